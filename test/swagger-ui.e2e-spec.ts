import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCliService, type CliService } from './support/cli-service';
import { login } from './support/processes';

/** Debian's chromium (`.ci/run` installs it with apt); never a browser download. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A name that is not localhost: browsers treat localhost as secure and would hide the bug. */
const HOST = 'techsapo.test';

/**
 * The Swagger UI as a developer opens it on a dev VM or a container: plain HTTP on a name
 * that is not localhost, in a real headless browser.
 */
describe('Swagger UI in headless Chromium over plain HTTP on a non-localhost name', () => {
  let running: CliService;
  let browser: Browser;
  let docs: string;
  const admin = { username: 'admin', password: '' };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    running = await startCliService();
    admin.password = running.admin.password;
    docs = `http://${HOST}:${new URL(running.url).port}/docs`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  /** Opens the docs, recording every request that failed or left plain HTTP. */
  async function open(page: Page): Promise<string[]> {
    const problems: string[] = [];
    page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(`http://${HOST}:`)) problems.push(`left plain HTTP: ${r.url()}`);
    });
    await page.goto(docs);
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 20000 });
    return problems;
  }

  const operation = (page: Page, id: string) => page.locator(`#operations-${id}`);

  async function tryOut(page: Page, id: string, body?: object): Promise<string> {
    const block = operation(page, id);
    const tryIt = block.getByRole('button', { name: 'Try it out' });
    // Expand the operation (the UI may already have it open, e.g. after a reload).
    await block.locator('.opblock-summary').first().waitFor();
    if (!(await tryIt.isVisible())) await block.locator('.opblock-summary').first().click();
    await tryIt.click();
    if (body) await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
    await block.getByRole('button', { name: 'Execute' }).click();
    const status = block.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 20000 });
    return (await status.textContent())?.trim() ?? '';
  }

  it('renders the whole UI: every script and style loaded over plain HTTP', async () => {
    const page = await browser.newPage();
    try {
      const problems = await open(page);
      expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('TechSapo');
      expect(await operation(page, 'auth-AuthController_login').count()).toBe(1);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('"Try it out" of login answers 200 with a token; the real example body is offered', async () => {
    const page = await browser.newPage();
    try {
      await open(page);
      const login = operation(page, 'auth-AuthController_login');
      await login.locator('.opblock-summary').first().click();
      // The documented example, not generated placeholders ("string").
      expect(
        await login.locator('.body-param__example, .microlight').first().textContent(),
      ).toContain('correct-horse-battery-staple');
      await login.locator('.opblock-summary').first().click();
      expect(await tryOut(page, 'auth-AuthController_login', admin)).toBe('200');
      expect(
        await operation(page, 'auth-AuthController_login')
          .locator('.live-responses-table')
          .first()
          .textContent(),
      ).toContain('accessToken');
    } finally {
      await page.close();
    }
  });

  it('Authorize works, and survives a reload (persistAuthorization)', async () => {
    const accessToken = await login(running.url, admin);
    const page = await browser.newPage();
    try {
      await open(page);
      await page.locator('.btn.authorize').first().click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('input[type=text]').first().fill(accessToken);
      // The first scheme is the bearer token (JWT or tsk_ key).
      await dialog.locator('button.authorize').first().click();
      await dialog.locator('button.btn-done').first().click();
      expect(await tryOut(page, 'auth-AuthController_me')).toBe('200');
      await page.reload();
      await page.locator('.swagger-ui .info .title').waitFor();
      const classes = (await page.locator('.btn.authorize').first().getAttribute('class')) ?? '';
      expect(classes.split(/\s+/)).toContain('locked');
      expect(await tryOut(page, 'auth-AuthController_me')).toBe('200');
    } finally {
      await page.close();
    }
  });
});
