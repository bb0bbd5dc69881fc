import { newTestService } from '@techsapo/testing';
import { ToolPinsService } from './tool-pins.service';

const setup = () => newTestService((d) => new ToolPinsService(d.toolPins));

describe('ToolPinsService', () => {
  it('pins an unpinned tool while taking the baseline, as the first catalogue', async () => {
    const { sut } = setup();
    const checked = await sut.check('fs', 'read', 'h1', undefined, true);
    expect(checked).toMatchObject({
      state: 'pinned',
      pin: { hash: 'h1', approvedBy: 'first-catalogue' },
    });
    expect(await sut.get('fs', 'read')).toEqual(checked.pin);
  });

  it('keeps the first pin when another instance pinned the tool first', async () => {
    const { sut, toolPins } = setup();
    await toolPins.put('fs', 'read', {
      hash: 'h0',
      approvedAt: 'x',
      approvedBy: 'first-catalogue',
    });
    expect(await sut.check('fs', 'read', 'h1', undefined, true)).toMatchObject({
      state: 'changed',
      pin: { hash: 'h0' },
    });
  });

  it('withholds a tool that appears after the baseline, and a changed definition', async () => {
    const { sut } = setup();
    expect(await sut.check('fs', 'write', 'h1', undefined, false)).toEqual({ state: 'new' });
    const pin = await sut.approve('fs', 'write', 'h1', 'admin-1');
    expect(pin).toMatchObject({ hash: 'h1', approvedBy: 'admin-1' });
    expect((await sut.check('fs', 'write', 'h1', pin, false)).state).toBe('unchanged');
    expect((await sut.check('fs', 'write', 'h2', pin, false)).state).toBe('changed');
    expect([...(await sut.all('fs')).keys()]).toEqual(['write']);
  });

  it('keeps the definition it pinned, for a later review of a change', async () => {
    const { sut } = setup();
    const first = { name: 'read', description: 'Reads a file.' };
    await sut.check('fs', 'read', 'h1', undefined, true, first);
    expect((await sut.get('fs', 'read'))?.definition).toEqual(first);
    const changed = { name: 'read', description: 'Reads a file, and more.' };
    const pin = await sut.approve('fs', 'read', 'h2', 'admin-1', changed);
    expect((await sut.check('fs', 'read', 'h2', pin, false)).pin?.definition).toEqual(changed);
  });
});
