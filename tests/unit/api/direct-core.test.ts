import { ImmutableString } from '@automerge/automerge';
import { afterEach, describe, expect, it } from 'vitest';
import { clipChangeMessage } from '../../../contract/shard-document.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the API service with documents synced to a window', () => {
  it('lets a window edit a clip through its shard document, and the index follows', async () => {
    core = await createTestCore();
    const { clipId } = await core.api.importText({ text: 'hello from the clipboard', title: 'first' });
    const opened = await core.documents.open(clipId);
    expect(opened.handle.doc().clips[clipId]?.title.toString()).toBe('first');
    opened.handle.change((doc) => {
      doc.clips[clipId]!.title = new ImmutableString('renamed in a window');
    }, { message: clipChangeMessage('edit', clipId) });
    const clip = await until(() => core!.api.getClip({ id: clipId }), (clip) => clip.title === 'renamed in a window');
    expect(clip.title).toBe('renamed in a window');
    opened.close();
  });

  it('brings a second window the first window\'s edit', async () => {
    core = await createTestCore();
    const { clipId } = await core.api.importText({ text: 'shared text' });
    const second = core.openWindow();
    const a = await core.documents.open(clipId);
    const b = await second.documents.open(clipId);
    a.handle.change((doc) => {
      doc.clips[clipId]!.tags['from-a'] = true;
    }, { message: clipChangeMessage('tag', clipId) });
    await until(() => Object.keys(b.handle.doc().clips[clipId]!.tags), (tags) => tags.includes('from-a'));
    const history = await core.api.clipHistory({ id: clipId });
    expect(history.map((entry) => entry.operation)).toEqual(['tag', 'import']);
  });

  it("takes a window's edit that arrives after the window's API session ended, and lets go of its documents when the service closes", async () => {
    core = await createTestCore();
    const { clipId } = await core.api.importText({ text: 'edited as the window closes', title: 'before' });
    const closing = core.openWindow();
    const opened = await closing.documents.open(clipId);
    // The API connection's close is handled before the edit the window sent on its sync connection.
    closing.endSession();
    opened.handle.change((doc) => {
      doc.clips[clipId]!.title = new ImmutableString('after');
    }, { message: clipChangeMessage('edit', clipId) });
    const clip = await until(() => core!.api.getClip({ id: clipId }), (clip) => clip.title === 'after');
    expect(clip.title).toBe('after');
    const { library } = core;
    expect(library.shards.isPinned(shardOfClip(clipId))).toBe(true);
    await core.close();
    core = null;
    expect(library.shards.isPinned(shardOfClip(clipId))).toBe(false);
  });

  it('refuses requests that do not match their schema, with a typed error', async () => {
    core = await createTestCore();
    await expect(core.api.getClip({ id: 'not an id' })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(core.service.dispatch('dropTables', {})).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(core.api.listClips({ limit: 5, extra: 1 } as never)).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(core.api.getClip({ id: '0'.repeat(26) })).rejects.toMatchObject({ code: 'not-found' });
  });
});
