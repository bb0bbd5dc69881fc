import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('the client types of the CLI and the console (apps/*/src/api/schema.d.ts)', () => {
  it('are what `npm run client` writes from the committed openapi.json', () => {
    const check = spawnSync(
      process.execPath,
      [join(__dirname, '..', 'scripts', 'api-clients.mjs'), '--check'],
      { encoding: 'utf8' },
    );
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('client types are up to date');
    expect(check.status).toBe(0);
  });
});
