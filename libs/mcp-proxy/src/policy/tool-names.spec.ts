import { CLIENT_TOOL_NAME, clientToolName } from './tool-names';

describe('clientToolName', () => {
  it('keeps names that model APIs accept', () => {
    expect(clientToolName('fs', 'read_text_file')).toBe('fs__read_text_file');
    expect(clientToolName('everything', 'get-env')).toBe('everything__get-env');
  });

  it('cleans, cuts and suffixes the others, stably and apart', () => {
    const long = 'docs.search.all_the_documentation_pages_of_every_product_in_the_catalogue';
    const name = clientToolName('docs', long);
    expect(name).toMatch(CLIENT_TOOL_NAME);
    expect(name).toHaveLength(64);
    expect(clientToolName('docs', long)).toBe(name);
    expect(clientToolName('docs', 'a.b')).toMatch(/^docs__a_b_[0-9a-f]{8}$/);
    expect(clientToolName('docs', 'a.b')).not.toBe(clientToolName('docs', 'a/b'));
    expect(clientToolName('docs', 'a.b')).not.toBe('docs__a_b');
    expect(clientToolName('docs', 'a.b', true)).toMatch(/^docs__a_b_[0-9a-f]{16}$/);
    expect(clientToolName('docs', 'quote\u200b')).toMatch(CLIENT_TOOL_NAME);
  });
});
