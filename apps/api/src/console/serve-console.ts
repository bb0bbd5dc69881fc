import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { codeRoot } from '@techsapo/security';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';

export const CONSOLE_PATH = '/console/';

/**
 * The console's own policy, stricter than the API's: scripts and styles from the service only
 * (none inline, no CDN), data only from the service's own API, never framed.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(';');

/**
 * Where `npm run build` put the console (Vite, apps/console): dist/console, beside the
 * compiled service and covered by the same integrity manifest.
 */
export function consoleAssets(root = codeRoot()): string {
  return basename(root) === 'dist' ? join(root, 'console') : join(root, 'dist', 'console');
}

/**
 * Serves the console at /console/ (and /console, redirected). Static files only: every
 * call the console makes goes to the public API, with its session cookie. A service built
 * without the console (or tests run before a build) simply has no /console route.
 */
export async function serveConsole(app: NestFastifyApplication): Promise<boolean> {
  const root = consoleAssets();
  if (!existsSync(join(root, 'index.html'))) return false;
  // Loaded here, not with this module: a role without the console never loads it.
  const { default: fastifyStatic } = await import('@fastify/static');
  await app.register(fastifyStatic, {
    root,
    prefix: CONSOLE_PATH,
    redirect: true,
    wildcard: false,
    index: ['index.html'],
    // Hashed asset names change with their content; the page itself is always asked anew.
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header(
        'cache-control',
        path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
  return true;
}
