import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..');

/** The lint is a security control (S0): prove it refuses what it must, where it must. */
describe('lint security rules', () => {
  // The real CLI with the project's config, fed the snippet as if it were the named file.
  const rulesFor = async (code: string, filePath: string): Promise<string[]> => {
    const run = promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'eslint'),
      ['--format', 'json', '--stdin', '--stdin-filename', join(ROOT, filePath)],
      { cwd: ROOT },
    );
    run.child.stdin?.end(code);
    const { stdout } = await run.catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const [result] = JSON.parse(stdout) as {
      messages: { ruleId: string | null; message: string }[];
    }[];
    return result.messages.map((m) => m.ruleId ?? m.message);
  };

  it.each([
    ['eval', 'export const f = (s: string): unknown => eval(s);\n', 'no-eval'],
    ['new Function', "export const f = new Function('return 1');\n", 'no-new-func'],
    ['implied eval', "setTimeout('doSomething()', 10);\n", 'no-implied-eval'],
    [
      'vm',
      "import { runInNewContext } from 'node:vm';\nexport const r = runInNewContext;\n",
      'no-restricted-imports',
    ],
    [
      'child_process',
      "import { exec } from 'child_process';\nexport const e = exec;\n",
      'no-restricted-imports',
    ],
    ['require.cache', 'export const c = require.cache;\n', 'no-restricted-properties'],
  ])('refuses %s in service code', async (_name, code, rule) => {
    expect(await rulesFor(code, 'libs/wall-bounce/src/example.ts')).toContain(rule);
  });

  it("allows child_process only in the MCP stdio launcher and the CLI's git diff", async () => {
    const code = "import { spawn } from 'node:child_process';\nexport const s = spawn;\n";
    expect(await rulesFor(code, 'libs/mcp-proxy/src/upstream/stdio-launcher.ts')).not.toContain(
      'no-restricted-imports',
    );
    expect(await rulesFor(code, 'apps/cli/src/analyze/git-diff.ts')).not.toContain(
      'no-restricted-imports',
    );
    expect(await rulesFor(code, 'apps/cli/src/analyze/content.ts')).toContain(
      'no-restricted-imports',
    );
    expect(await rulesFor(code, 'libs/mcp-proxy/src/upstream/other.ts')).toContain(
      'no-restricted-imports',
    );
  });

  it('keeps Swagger out of routes and DTOs: their OpenAPI decorators come from @techsapo/core', async () => {
    const rule = '@typescript-eslint/no-restricted-imports';
    const value = "import { ApiProperty } from '@nestjs/swagger';\nexport const p = ApiProperty;\n";
    const typeOnly =
      "import type { OpenAPIObject } from '@nestjs/swagger';\nexport type D = OpenAPIObject;\n";
    expect(await rulesFor(value, 'apps/api/src/health/example.dto.ts')).toContain(rule);
    expect(await rulesFor(value, 'libs/security/src/example.ts')).toContain(rule);
    expect(await rulesFor(typeOnly, 'apps/api/src/bootstrap/example.ts')).not.toContain(rule);
    expect(await rulesFor(value, 'apps/api/src/bootstrap/swagger.ts')).not.toContain(rule);
  });
});
