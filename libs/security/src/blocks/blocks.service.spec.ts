import { newTestService } from '@techsapo/testing';
import { BlocksService, normalise } from './blocks.service';

const setup = () => newTestService((d) => new BlocksService(d.blocks));
const by = { reason: 'test', ttlSeconds: 60, createdBy: 'admin-1' };

describe('BlocksService', () => {
  it('finds the block in force for any part of a request: address, user or session', async () => {
    const { sut } = setup();
    const user = await sut.create({ ...by, kind: 'user', value: 'u-1' });
    expect(await sut.find({ ip: '10.0.0.1', userId: 'u-1', sessionId: 's-1' })).toEqual(user);
    expect(await sut.find({ ip: '10.0.0.1', userId: 'u-2' })).toBeUndefined();
    expect(await sut.find({})).toBeUndefined();
  });

  it('matches an IPv4-mapped IPv6 address against its IPv4 block, and IPv6 in any case', async () => {
    const { sut } = setup();
    const v4 = await sut.create({ ...by, kind: 'ip', value: '::ffff:192.0.2.7' });
    expect(v4?.value).toBe('192.0.2.7');
    expect(await sut.find({ ip: '192.0.2.7' })).toEqual(v4);
    await sut.create({ ...by, kind: 'ip', value: '2001:DB8::1' });
    expect((await sut.find({ ip: '2001:db8::1' }))?.value).toBe('2001:db8::1');
    expect(normalise('user', 'MiXeD')).toBe('MiXeD');
  });

  it('with onlyIfAbsent, creates nothing while a block is in force', async () => {
    const { sut, blocks } = setup();
    await sut.create({ ...by, kind: 'session', value: 's-1' });
    expect(await sut.create({ ...by, kind: 'session', value: 's-1' }, true)).toBeUndefined();
    expect(blocks.records.size).toBe(1);
  });

  it('lists blocks in force oldest first and forgets the ended ones', async () => {
    const { sut, blocks } = setup();
    const live = await sut.create({ ...by, kind: 'user', value: 'u-1' });
    const ended = await sut.create({ ...by, kind: 'user', value: 'u-2' });
    blocks.records.set(ended!.id, { ...ended!, expiresAt: '2000-01-01T00:00:00.000Z' });
    expect(await sut.list()).toEqual([live]);
    expect(blocks.records.has(ended!.id)).toBe(false);
  });

  it('lifts a block; an unknown one is 404 block-not-found', async () => {
    const { sut } = setup();
    const block = await sut.create({ ...by, kind: 'user', value: 'u-1' });
    await sut.delete(block!.id);
    expect(await sut.find({ userId: 'u-1' })).toBeUndefined();
    await expect(sut.delete(block!.id)).rejects.toMatchObject({
      status: 404,
      code: 'block-not-found',
    });
  });
});
