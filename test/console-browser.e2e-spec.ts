import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import type { AuditEntry } from '@techsapo/audit';
import { auditEntriesUntil } from './support/audit';
import { adminAuth, signIn } from './support/auth';
import {
  ScriptedUpstream,
  startScriptedUpstream,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';

/** Debian's chromium (`.ci/run` installs it with apt); never a browser download. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Names that are not localhost, of one site: a cross-origin page there still gets the cookie sent. */
const HOST = 'console.techsapo.test';
const OTHER_ORIGIN_HOST = 'elsewhere.techsapo.test';
/** Evaluated in the page: the text of what has the keyboard focus. */
const FOCUSED_TEXT = 'document.activeElement?.textContent';
/** Screenshots of every page, kept as test artefacts (gitignored). */
const ARTEFACTS = join(__dirname, '..', 'test-artifacts', 'console');

/**
 * The console in headless Chromium against the real app, Redis and an MCP upstream: the
 * incident runbook and the daily work, as an operator does them with a keyboard or a mouse.
 */
describe('operator console in headless Chromium', () => {
  let t: TestApp;
  let scripted: ScriptedUpstream;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let base: string;
  let port: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    if (!existsSync(join(__dirname, '..', 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run build` first');
    mkdirSync(ARTEFACTS, { recursive: true });
    scripted = await startScriptedUpstream();
    const config = writeMcpConfig(tempDir('techsapo-console-mcp-'), {
      servers: [{ name: 'scripted', transport: 'streamable-http', url: scripted.url }],
    });
    // Providers that take a moment, so the analysis is watched while it runs.
    t = await startTestApp({ MCP_CONFIG: config, WALL_BOUNCE_SIMULATOR_LATENCY_MS: '300' });
    port = Number(new URL(await listenOnLoopback(t)).port);
    base = `http://${HOST}:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP ${OTHER_ORIGIN_HOST} 127.0.0.1`,
      ],
    });
    admin = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    admin.setDefaultTimeout(10000);
    page = await admin.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await scripted?.close();
  });

  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });

  async function signInWithKeyboard(p: Page, username: string, password: string): Promise<void> {
    await p.goto(`${base}/console/`);
    const user = p.getByLabel('User name');
    await user.waitFor();
    await user.focus();
    await p.keyboard.type(username);
    await p.keyboard.press('Tab');
    await p.keyboard.type(password);
    await p.keyboard.press('Enter');
    await p.getByTestId('who').waitFor();
  }

  async function open(p: Page, path: string, heading: string): Promise<void> {
    await p.goto(`${base}/console/#/${path}`);
    await p.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  /**
   * The page fits the screen's width: nothing to scroll sideways (wide tables scroll inside
   * their own box). Compared with the viewport asked for, as a phone widens its layout
   * viewport to fit content that overflows.
   */
  const fitsWidth = async (p: Page) => {
    const width = p.viewportSize()?.width ?? 0;
    const scrollWidth = await p.evaluate<number>('document.documentElement.scrollWidth');
    return scrollWidth <= width;
  };

  it('signs in with the keyboard alone and moves between pages with it', async () => {
    await signInWithKeyboard(page, t.admin.username, t.admin.password);
    expect(await page.getByTestId('who').textContent()).toBe(t.admin.username);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByTestId('chain').waitFor();
    expect(await page.getByTestId('chain').textContent()).toMatch(/^Intact/);
    expect(await page.getByTestId('readiness').textContent()).toMatch(/ok|error/);
    // The cookie is out of the page's reach.
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    const [cookie] = await admin.cookies(base);
    expect(cookie).toMatchObject({ name: 'techsapo_console', httpOnly: true, sameSite: 'Strict' });
    expect(await fitsWidth(page)).toBe(true);
    await shot(page, 'overview');

    // Tab from the top: the skip link first, then the menu; Enter follows a link.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>(FOCUSED_TEXT)).toBe('Skip to content');
    let focused = '';
    for (let i = 0; i < 12 && focused !== 'Blocks'; i += 1) {
      await page.keyboard.press('Tab');
      focused = (await page.evaluate<string>(FOCUSED_TEXT)) ?? '';
    }
    expect(focused).toBe('Blocks');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Blocks' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/blocks');
  });

  it('ends a session, whose token is refused from then on', async () => {
    const user = await signIn(t, 'analyst');
    expect((await request(t.server).get('/api/v1/auth/me').set(user.auth)).status).toBe(200);
    await open(page, 'sessions', 'Sessions');
    await page.getByLabel('User').fill(user.username);
    const row = page.locator(`tr[data-session="${user.sessionId}"]`);
    await row.waitFor();
    await shot(page, 'sessions');
    await row.getByRole('button', { name: 'End session' }).click();
    await row.waitFor({ state: 'detached' });
    const refused = await request(t.server).get('/api/v1/auth/me').set(user.auth);
    expect(refused.status).toBe(401);
  });

  it('sends a console whose session was ended back to the sign-in page at its next change', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await context.newPage();
      await signInWithKeyboard(p, t.admin.username, t.admin.password);
      const sessionId = await p.evaluate(
        async () =>
          ((await (await fetch('/api/v1/auth/console/session')).json()) as { sessionId: string })
            .sessionId,
      );
      await open(p, 'blocks', 'Blocks');
      const ended = await request(t.server)
        .delete(`/api/v1/admin/sessions/${sessionId}`)
        .set(await adminAuth(t));
      expect(ended.status).toBe(204);
      const form = p.getByRole('form', { name: 'Add a block' });
      await form.getByLabel('Value').fill('198.51.100.99');
      await form.getByLabel('Reason').fill('never stored');
      await form.getByRole('button', { name: 'Add block' }).click();
      await p.getByRole('form', { name: 'Sign in' }).waitFor();
      const stored = await request(t.server)
        .get('/api/v1/admin/blocks')
        .set(await adminAuth(t));
      expect(stored.body.items.map((b: { value: string }) => b.value)).not.toContain(
        '198.51.100.99',
      );
    } finally {
      await context.close();
    }
  });

  it('adds a block with a reason and a time to live, and lifts it', async () => {
    const address = '198.51.100.23';
    await open(page, 'blocks', 'Blocks');
    const form = page.getByRole('form', { name: 'Add a block' });
    await form.getByLabel('Value').fill(address);
    await form.getByLabel('Reason').fill('incident 7: password spraying');
    await form.getByLabel('Time to live (s)').fill('600');
    await form.getByRole('button', { name: 'Add block' }).click();
    const row = page.locator(`tr[data-block="${address}"]`);
    await row.waitFor();
    const stored = await request(t.server)
      .get('/api/v1/admin/blocks')
      .set(await adminAuth(t));
    expect(stored.body.items).toContainEqual(
      expect.objectContaining({
        kind: 'ip',
        value: address,
        reason: 'incident 7: password spraying',
      }),
    );
    await shot(page, 'blocks');
    await row.getByRole('button', { name: 'Lift' }).click();
    await row.waitFor({ state: 'detached' });
    const after = await request(t.server)
      .get('/api/v1/admin/blocks')
      .set(await adminAuth(t));
    expect(after.body.items.map((b: { value: string }) => b.value)).not.toContain(address);
  });

  it('submits an analysis and watches it complete live, each provider’s answer as it arrives', async () => {
    await open(page, 'analyses', 'Analyses');
    await page.getByLabel('Content').fill('function add(a, b) {\n  return a + b;\n}\n');
    await page.getByLabel('Mode').selectOption('parallel');
    await page.getByRole('button', { name: 'Submit analysis' }).click();
    await page.waitForURL(/#\/analyses\/[\w-]+$/);
    const id = new URL(page.url()).hash.split('/').pop() as string;
    // Answers are shown from the event stream, before the result exists.
    await page.getByTestId('provider-answer').first().waitFor();
    await page.getByTestId('analysis-result').waitFor({ timeout: 30000 });
    expect(await page.getByTestId('analysis-status').textContent()).toBe('completed');
    const stored = await request(t.server)
      .get(`/api/v1/analyses/${id}`)
      .set(await adminAuth(t));
    expect(stored.body.status).toBe('completed');
    const providers = stored.body.result.providers.filter(
      (p: { status: string }) => p.status === 'ok',
    );
    expect(await page.getByTestId('provider-answer').count()).toBeGreaterThanOrEqual(
      providers.length,
    );
    expect(await page.getByTestId('confidence').textContent()).toBe(
      stored.body.result.confidence.toFixed(2),
    );
    const events = await page.getByTestId('events').locator('li > code').allTextContents();
    for (const type of ['queued', 'started', 'provider_completed', 'answer', 'completed'])
      expect(events).toContain(type);
    expect(events[events.length - 1]).toBe('completed');
    await shot(page, 'analysis');
  });

  it('shows a council analysis with each reviewer’s ranking and the measured agreement', async () => {
    await open(page, 'analyses', 'Analyses');
    await page.getByLabel('Content').fill('const retries = 3; // enough?\n');
    await page.getByLabel('Mode').selectOption('council');
    await page.getByRole('button', { name: 'Submit analysis' }).click();
    await page.waitForURL(/#\/analyses\/[\w-]+$/);
    const id = new URL(page.url()).hash.split('/').pop() as string;
    const council = page.getByTestId('council');
    await council.waitFor({ timeout: 30000 });
    const stored = await request(t.server)
      .get(`/api/v1/analyses/${id}`)
      .set(await adminAuth(t));
    expect(stored.body.mode).toBe('council');
    const text = (await council.textContent()) ?? '';
    for (const review of stored.body.result.council.reviews as { reviewer: string }[])
      expect(text).toContain(`${review.reviewer} ranks:`);
    const { kendallW } = stored.body.result.council.rankingAgreement;
    expect(text).toContain(kendallW === null ? 'not measurable' : kendallW.toFixed(2));
    await shot(page, 'analysis-council');
    // The overview counts the analyses that completed in the last hour: this one and the last.
    const count = async (status: string) =>
      (
        await request(t.server)
          .get(`/api/v1/analyses?status=${status}&limit=100`)
          .set(await adminAuth(t))
      ).body.items.length as number;
    const [completed, failed] = [await count('completed'), await count('failed')];
    expect(completed).toBeGreaterThanOrEqual(2);
    await open(page, '', 'Overview');
    await page
      .getByTestId('throughput')
      .filter({ hasText: `${completed} completed, ${failed} failed in the last hour` })
      .waitFor();
  });

  it('approves an MCP tool whose definition changed, and it is callable again', async () => {
    const auth = await adminAuth(t);
    const tools = () =>
      request(t.server).get('/api/v1/mcp/servers/scripted/tools?all=true').set(auth);
    const lookup = async () =>
      (await tools()).body.items.find((x: { name: string }) => x.name === 'lookup');
    expect((await lookup()).deniedReason).toBeUndefined();
    scripted.description = 'Looks up a term in the glossary, and more.';
    // The catalogue reads the upstream again in the background when it is listed.
    for (let i = 0; i < 100 && (await lookup()).deniedReason === undefined; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    expect((await lookup()).deniedReason).toBe('definition-changed');

    await open(page, 'mcp', 'MCP');
    const waiting = page.getByTestId('awaiting-scripted');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain('Looks up a term in the glossary, and more.');
    // The change is shown against the pinned definition: the description, and nothing else.
    const diff = waiting.getByTestId('definition-diff');
    expect(
      await diff
        .locator('[data-part]')
        .evaluateAll((parts) => parts.map((p) => p.getAttribute('data-part'))),
    ).toEqual(['description']);
    expect(await diff.locator('.diff-new').textContent()).toContain('and more.');
    expect(await diff.locator('.diff-old').textContent()).not.toContain('and more.');
    await shot(page, 'mcp');
    await waiting.getByRole('button', { name: 'Approve lookup' }).click();
    await waiting.waitFor({ state: 'detached' });
    expect((await lookup()).deniedReason).toBeUndefined();
    expect(await page.locator('tr[data-tool="lookup"]').textContent()).toContain('allowed');
  });

  it('verifies the audit chain and exports the trail as NDJSON', async () => {
    await open(page, 'audit', 'Audit');
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByTestId('verification').waitFor();
    expect(await page.getByTestId('verification').textContent()).toMatch(/^Intact: \d+ entries/);
    await page.locator('tbody tr').first().waitFor();
    await shot(page, 'audit');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export NDJSON' }).click(),
    ]);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const entries = lines.map(
      (line) => JSON.parse(line) as { type: string; request: { path: string } },
    );
    expect(entries.length).toBeGreaterThan(10);
    // The console's own changes are in it, made by the admin through the public API.
    expect(
      entries.some((e) => e.type === 'admin' && e.request.path === '/api/v1/admin/blocks'),
    ).toBe(true);
  });

  it('shows the users and API keys pages; a new key is shown once', async () => {
    await open(page, 'users', 'Users');
    await page.locator(`tr[data-user="${t.admin.username}"]`).waitFor();
    await shot(page, 'users');
    await open(page, 'api-keys', 'API keys');
    const form = page.getByRole('form', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('console-ci');
    await form.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByTestId('new-key').textContent();
    expect(key).toMatch(/^tsk_/);
    const me = await request(t.server).get('/api/v1/auth/me').set('Authorization', `Bearer ${key}`);
    expect(me.status).toBe(200);
    await shot(page, 'api-keys');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('new-key').count()).toBe(0);
  });

  it('a viewer sees no admin page, and the API refuses the admin routes to its cookie', async () => {
    const viewer = await signIn(t, 'viewer');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await context.newPage();
      await signInWithKeyboard(p, viewer.username, viewer.password);
      const menu = await p.getByRole('navigation', { name: 'Console' }).textContent();
      expect(menu).toContain('Analyses');
      for (const admin of ['Overview', 'Sessions', 'Blocks', 'Users', 'Audit'])
        expect(menu).not.toContain(admin);
      // No submit form for a viewer.
      await p.getByRole('heading', { level: 1, name: 'Analyses' }).waitFor();
      expect(await p.getByRole('form', { name: 'Submit an analysis' }).count()).toBe(0);
      await p.goto(`${base}/console/#/sessions`);
      await p.getByTestId('not-allowed').waitFor();
      await shot(p, 'viewer-refused');
      const status = await p.evaluate(async () => (await fetch('/api/v1/admin/sessions')).status);
      expect(status).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('refuses a cross-origin POST that carries the cookie but not the CSRF token', async () => {
    // A page of another origin on the same site: SameSite=Strict lets the cookie go with it.
    const elsewhere = await serve('<!doctype html><title>elsewhere</title>');
    try {
      const p = await admin.newPage();
      await p.goto(`http://${OTHER_ORIGIN_HOST}:${elsewhere.port}/`);
      // The request is sent; its answer is not even readable there (Cross-Origin-Resource-Policy).
      const outcome = await p.evaluate(async (target) => {
        try {
          await fetch(target, { method: 'POST', mode: 'no-cors', credentials: 'include' });
          return 'read';
        } catch {
          return 'unreadable';
        }
      }, `${base}/api/v1/auth/logout`);
      expect(outcome).toBe('unreadable');
      await p.close();
      const refusedLogout = (e: AuditEntry) =>
        e.request.path === '/api/v1/auth/logout' && e.outcome.status === 403;
      const csrfEvent = (e: AuditEntry) =>
        e.type === 'security' && e.details.violation_type === 'CSRF_TOKEN_MISSING';
      const entries = await auditEntriesUntil(
        t,
        (all) => all.some(refusedLogout) && all.some(csrfEvent),
      );
      const attempt = entries.find(refusedLogout);
      expect(attempt).toMatchObject({
        actor: {},
        outcome: { decision: 'denied' },
      });
      expect(entries.some((e) => csrfEvent(e) && e.request.id === attempt?.request.id)).toBe(true);
      // The session lives on: the console still works.
      await open(page, 'sessions', 'Sessions');
      expect(await page.getByTestId('who').textContent()).toBe(t.admin.username);
    } finally {
      await new Promise((r) => elsewhere.server.close(r));
    }
  });

  it('produces the security report of a chosen period', async () => {
    await open(page, 'security-report', 'Security report');
    const report = page.getByTestId('report');
    await report.waitFor();
    // The cross-origin attempt above is in it.
    expect(await report.textContent()).toContain('SUSPICIOUS_ACTIVITY / CSRF_TOKEN_MISSING');
    await shot(page, 'security-report');
    const form = page.getByRole('form', { name: 'Report period' });
    await form.getByLabel('Since').fill('2020-01-01T00:00');
    await form.getByLabel('Until').fill('2020-01-02T00:00');
    await form.getByRole('button', { name: 'Build report' }).click();
    await page.getByText('No audit entries in this period.').waitFor();
  });

  it('is readable on a phone: nothing wider than the screen, the menu reachable', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    try {
      const p = await phone.newPage();
      await signInWithKeyboard(p, t.admin.username, t.admin.password);
      const tooWide: string[] = [];
      for (const [path, heading] of [
        ['overview', 'Overview'],
        ['sessions', 'Sessions'],
        ['blocks', 'Blocks'],
        ['audit', 'Audit'],
        ['security-report', 'Security report'],
        ['users', 'Users'],
        ['analyses', 'Analyses'],
        ['mcp', 'MCP'],
      ]) {
        await open(p, path, heading);
        if (!(await fitsWidth(p))) tooWide.push(path);
        await shot(p, `phone-${path}`);
      }
      expect(tooWide).toEqual([]);
      await p.getByRole('link', { name: 'Blocks' }).click();
      await p.getByRole('heading', { level: 1, name: 'Blocks' }).waitFor();
    } finally {
      await phone.close();
    }
  });
});

/** A page on another origin, for the cross-origin request. */
async function serve(html: string): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}
