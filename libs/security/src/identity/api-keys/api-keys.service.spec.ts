import { newTestService } from '@techsapo/testing';
import { ApiKeysService } from './api-keys.service';

const setup = () => newTestService((d) => new ApiKeysService(d.apiKeys));

describe('ApiKeysService', () => {
  it('issues a tsk_ key, keeps only its hash, and validates it to its id, name and role', async () => {
    const { sut, apiKeys } = setup();
    const { apiKey, key } = await sut.create({ name: 'ci', role: 'ci', createdBy: 'u-1' });
    expect(key).toMatch(/^tsk_/);
    const stored = apiKeys.records.get(apiKey.id);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(apiKey).toMatchObject({ name: 'ci', role: 'ci', expiresAt: null, suspended: false });
    expect(await sut.validate(key)).toEqual({ id: apiKey.id, name: 'ci', role: 'ci' });
  });

  it('refuses a malformed, unknown, revoked or expired key', async () => {
    const { sut, apiKeys } = setup();
    const { apiKey, key } = await sut.create({ name: 'ci', role: 'ci', createdBy: 'u-1' });
    expect(await sut.validate('not-a-key')).toBeUndefined();
    expect(await sut.validate(`tsk_${'A'.repeat(43)}`)).toBeUndefined();
    const hash = apiKeys.records.get(apiKey.id)!.hash;
    apiKeys.lookups.set(hash, { ...apiKeys.lookups.get(hash)!, expiresAt: Date.now() - 1 });
    expect(await sut.validate(key)).toBeUndefined();
    await sut.revoke(apiKey.id);
    expect(await sut.validate(key)).toBeUndefined();
    await expect(sut.revoke(apiKey.id)).rejects.toMatchObject({
      status: 404,
      code: 'api-key-not-found',
    });
  });

  it('records use in memory and writes it in one batch', async () => {
    const { sut, apiKeys } = setup();
    const { apiKey, key } = await sut.create({ name: 'ci', role: 'ci', createdBy: 'u-1' });
    await sut.validate(key);
    expect(apiKeys.uses.size).toBe(0);
    expect((await sut.list())[0].lastUsedAt).not.toBeNull();
    await sut.flushLastUse();
    expect(apiKeys.uses.has(apiKey.id)).toBe(true);
  });

  it("keeps keys within their creator's rights: suspended, reinstated, revoked", async () => {
    const { sut } = setup();
    const { apiKey, key } = await sut.create({ name: 'deploy', role: 'analyst', createdBy: 'u-1' });
    const demoted = await sut.alignWithCreator('u-1', {
      id: 'u-1',
      roles: ['viewer'],
      disabled: false,
    });
    expect(demoted).toEqual({ revoked: [], suspended: [apiKey.id], reinstated: [] });
    expect(await sut.validate(key)).toBeUndefined();
    const restored = await sut.alignWithCreator('u-1', {
      id: 'u-1',
      roles: ['admin'],
      disabled: false,
    });
    expect(restored.reinstated).toEqual([apiKey.id]);
    expect(await sut.validate(key)).toBeDefined();
    const gone = await sut.alignWithCreator('u-1', undefined);
    expect(gone.revoked).toEqual([apiKey.id]);
    expect(await sut.list()).toEqual([]);
  });
});
