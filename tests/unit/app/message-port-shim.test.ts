import { Repo, type DocHandle, type NetworkAdapterInterface, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { MessagePortMainShim, type MainMessagePort } from '../../../main/app/message-port-shim.js';
import { connectDocumentPort } from '../../../main/app/window-connections.js';
import { NodePortAsMainPort } from './node-port-as-main-port.js';

/** Electron's MessagePortMain, as far as it can be without Electron: an EventEmitter that records what it is asked. */
class FakeMainPort extends EventEmitter implements MainMessagePort {
  readonly posted: unknown[] = [];
  started = 0;
  closed = 0;

  postMessage(message: unknown, transfer?: unknown[]): void {
    // MessagePortMain transfers ports only; anything else in the list is an error there.
    if (transfer !== undefined) throw new TypeError('MessagePortMain.postMessage: transfer must hold MessagePortMain objects');
    this.posted.push(message);
  }

  start(): void {
    this.started++;
  }

  close(): void {
    this.closed++;
  }
}

describe('MessagePortMainShim on a fake MessagePortMain', () => {
  it('delivers messages as DOM-like events and stops after removeEventListener', () => {
    const port = new FakeMainPort();
    const shim = new MessagePortMainShim(port);
    const seen: unknown[] = [];
    const listener = (event: { data: unknown }) => seen.push(event.data);
    shim.addEventListener('message', listener);
    shim.addEventListener('message', listener);
    port.emit('message', { data: { type: 'arrive' }, ports: [] });
    shim.removeEventListener('message', listener);
    port.emit('message', { data: 'after removal', ports: [] });
    expect(seen).toEqual([{ type: 'arrive' }]);
  });

  it('posts without the transfer list (MessagePortMain would throw on an ArrayBuffer in it)', () => {
    const port = new FakeMainPort();
    const shim = new MessagePortMainShim(port);
    const data = new Uint8Array([1, 2, 3]).buffer;
    shim.postMessage({ type: 'sync', data }, [data]);
    expect(port.posted).toEqual([{ type: 'sync', data }]);
  });

  it('passes start and close through, and tells close listeners until removed', () => {
    const port = new FakeMainPort();
    const shim = new MessagePortMainShim(port);
    let closes = 0;
    const onClose = () => closes++;
    shim.addEventListener('close', onClose);
    shim.addEventListener('close', onClose);
    shim.start();
    port.emit('close');
    shim.removeEventListener('close', onClose);
    port.emit('close');
    shim.close();
    expect({ started: port.started, closed: port.closed, closes, listeners: port.listenerCount('close') }).toEqual({ started: 1, closed: 1, closes: 1, listeners: 0 });
  });

  it('is all MessageChannelNetworkAdapter needs: it announces itself through the shim', () => {
    const port = new FakeMainPort();
    const adapter = new MessageChannelNetworkAdapter(new MessagePortMainShim(port) as unknown as ConstructorParameters<typeof MessageChannelNetworkAdapter>[0]);
    adapter.connect('main' as PeerId);
    expect(port.started).toBe(1);
    expect(port.posted).toEqual([{ senderId: 'main', type: 'arrive', peerMetadata: undefined }]);
    adapter.disconnect();
  });
});

describe('a document synced between two Repos over a real MessageChannel', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function until<T>(handle: DocHandle<T>, ok: (doc: T) => boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`document never matched: ${JSON.stringify(handle.doc())}`)), 5000);
      const check = () => {
        const doc = handle.doc();
        if (doc !== undefined && ok(doc)) {
          clearTimeout(timer);
          handle.off('change', check);
          resolve(doc);
        }
      };
      handle.on('change', check);
      check();
    });
  }

  it('syncs both ways: main side through the shim, window side on the plain port', async () => {
    const channel = new MessageChannel();
    // Main: configured like the library's repo, which announces nothing and answers requests.
    const main = new Repo({ network: [], peerId: 'main' as PeerId, sharePolicy: async () => false });
    const network = main.networkSubsystem;
    const disconnect = connectDocumentPort(network, new NodePortAsMainPort(channel.port1));
    const window = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port2 as unknown as ConstructorParameters<typeof MessageChannelNetworkAdapter>[0])], peerId: 'window' as PeerId, sharePolicy: async () => true });
    cleanups.push(() => main.shutdown(), () => window.shutdown(), () => channel.port2.close());

    const mainHandle = main.create<{ title: string; tags: string[] }>({ title: 'from main', tags: [] });
    const windowHandle = await window.find<{ title: string; tags: string[] }>(mainHandle.url, { signal: AbortSignal.timeout(10_000) });
    expect(windowHandle.doc().title).toBe('from main');

    windowHandle.change((doc) => {
      doc.title = 'edited in the window';
      doc.tags.push('holiday');
    });
    expect(await until(mainHandle, (doc) => doc.title === 'edited in the window')).toEqual({ title: 'edited in the window', tags: ['holiday'] });

    mainHandle.change((doc) => {
      doc.tags.push('from-main');
    });
    expect((await until(windowHandle, (doc) => doc.tags.length === 2)).tags).toEqual(['holiday', 'from-main']);

    expect(network.adapters).toHaveLength(1);
    disconnect();
    expect(network.adapters).toHaveLength(0);
  });

  it('drops the adapter when the window\'s end of the port closes', async () => {
    const channel = new MessageChannel();
    const main = new Repo({ network: [], peerId: 'main' as PeerId, sharePolicy: async () => false });
    cleanups.push(() => main.shutdown());
    const adapters = main.networkSubsystem.adapters as NetworkAdapterInterface[];
    connectDocumentPort(main.networkSubsystem, new NodePortAsMainPort(channel.port1));
    expect(adapters).toHaveLength(1);
    const closed = new Promise((resolve) => channel.port1.once('close', resolve));
    channel.port2.close();
    await closed;
    expect(main.networkSubsystem.adapters).toHaveLength(0);
  });
});
