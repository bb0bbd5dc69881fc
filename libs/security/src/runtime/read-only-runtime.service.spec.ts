import { appConfig } from '@techsapo/core';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileAccessMonitor } from './file-access.monitor';
import { probeWritable, ReadOnlyRuntimeService } from './read-only-runtime.service';

// The code root is where the running code was loaded from; here, a folder each test makes.
let mockRoot = '';
jest.mock('./code-root', () => ({
  ...jest.requireActual<typeof import('./code-root')>('./code-root'),
  codeRoot: () => mockRoot,
}));

function setup(env: Record<string, string>) {
  const recorded: unknown[] = [];
  const monitor = {
    record: (error: unknown) => recorded.push(error),
  } as unknown as FileAccessMonitor;
  return { service: new ReadOnlyRuntimeService(appConfig.read(env), monitor), recorded };
}

describe('ReadOnlyRuntimeService', () => {
  beforeEach(() => {
    mockRoot = mkdtempSync(join(tmpdir(), 'techsapo-code-'));
  });
  afterEach(() => rmSync(mockRoot, { recursive: true, force: true }));

  it('refuses to start in production when its code folder is writable', () => {
    const { service } = setup({ NODE_ENV: 'production' });
    expect(() => service.onModuleInit()).toThrow(/refusing to start in production/);
    expect(service.probe).toEqual({ folder: mockRoot, writable: true, reason: 'write succeeded' });
  });

  it('starts in development with a writable code folder, leaving no probe file behind', () => {
    const { service } = setup({ NODE_ENV: 'development' });
    expect(() => service.onModuleInit()).not.toThrow();
    expect(service.probe?.writable).toBe(true);
    expect(probeWritable(mockRoot).writable).toBe(true);
    expect(readdirSync(mockRoot)).toEqual([]);
  });

  it('starts in production when nothing can be written to its code folder', () => {
    // A folder that cannot take a file (read-only in the container; here, one that is gone).
    rmSync(mockRoot, { recursive: true });
    const { service, recorded } = setup({ NODE_ENV: 'production' });
    expect(() => service.onModuleInit()).not.toThrow();
    expect(service.probe).toEqual({ folder: mockRoot, writable: false, reason: 'ENOENT' });
    // Only a refusal by Node's permission model is recorded as denied file access.
    expect(recorded).toEqual([]);
  });
});
