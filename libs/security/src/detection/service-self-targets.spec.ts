import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectorWithRules } from '../../../../test/support/detector-rules';
import { serviceSelfTargets } from './service-self-targets';

describe('serviceSelfTargets', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'techsapo-self-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'techsapo' }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the install root, build output, dependencies, data, manifests, prefix and names', () => {
    const targets = serviceSelfTargets({
      codeRoot: join(root, 'dist'),
      dataDir: join(root, 'data'),
      redisKeyPrefix: 'cli42',
      processTitle: 'node',
    });
    expect(targets).toEqual({
      folders: [root, join(root, 'dist'), join(root, 'node_modules'), join(root, 'data')],
      files: [
        join(root, '.env'),
        join(root, 'package.json'),
        join(root, 'package-lock.json'),
        join(root, 'dist', 'integrity-manifest.json'),
      ],
      redisKeyPrefix: 'cli42',
      processNames: ['techsapo'],
    });
  });

  it('makes the running service the target, wherever it is installed', () => {
    // The two rules that aim at the service's own places, over this service's targets.
    const detector = detectorWithRules(
      ['self-modification.install-into-service', 'self-modification.security-state'],
      serviceSelfTargets({ codeRoot: join(root, 'dist'), redisKeyPrefix: 'cli42' }),
    );
    expect(detector.scan(`npm install evil --prefix ${root}`, 'llm-answer').verdict).toBe('block');
    expect(detector.scan('redis-cli DEL cli42:blocks:x', 'llm-answer').verdict).toBe('block');
    expect(detector.scan('npm install evil --prefix /opt/other', 'llm-answer').verdict).toBe(
      'clean',
    );
  });
});
