import { readProfiles } from './analysis-profiles';

const providers = ['a', 'b', 'c'];

describe('analysis profiles', () => {
  it('offers the three modes without configuration', () => {
    const { profiles, problems } = readProfiles(undefined, providers);
    expect(problems).toEqual([]);
    expect(profiles.map((p) => [p.name, p.mode, p.builtIn])).toEqual([
      ['parallel', 'parallel', true],
      ['sequential', 'sequential', true],
      ['council', 'council', true],
    ]);
  });

  it('adds the administrator’s profiles with their peers, aggregator, gates and cap', () => {
    const { profiles, problems } = readProfiles(
      JSON.stringify([
        {
          name: 'careful',
          mode: 'council',
          peers: ['a', 'b'],
          aggregator: 'c',
          maxCostUsd: 0.5,
          gates: { minConsensus: 0.8, action: 'escalate' },
        },
      ]),
      providers,
    );
    expect(problems).toEqual([]);
    expect(profiles[3]).toEqual({
      name: 'careful',
      description: expect.stringContaining('profile careful'),
      mode: 'council',
      peers: ['a', 'b'],
      aggregator: 'c',
      maxCostUsd: 0.5,
      gates: { minConsensus: 0.8, action: 'escalate' },
      builtIn: false,
    });
  });

  it('names every problem: bad JSON, shape, taken names, unknown or repeated providers', () => {
    expect(readProfiles('[', providers).problems).toEqual(['is not valid JSON']);
    expect(readProfiles('[{"name":"x","mode":"solo"}]', providers).problems[0]).toMatch(
      /^0\.mode: /,
    );
    expect(
      readProfiles('[{"name":"x","mode":"parallel","extra":1}]', providers).problems[0],
    ).toMatch(/Unrecognized key/);
    expect(
      readProfiles(
        JSON.stringify([
          { name: 'council', mode: 'council' },
          { name: 'y', mode: 'parallel', peers: ['a', 'z'], aggregator: 'q' },
          { name: 'w', mode: 'parallel', peers: ['a', 'a'] },
        ]),
        providers,
      ).problems,
    ).toEqual([
      'council: the name is taken (built-in or given twice)',
      'y: "z" is not a configured provider',
      'y: "q" is not a configured provider',
      'w: a peer is named twice',
    ]);
  });
});
