// The sync benchmark's baseline: the same library documents synced over automerge-repo's own
// WebSocket adapters, with no authentication, no encryption and no manifest exchange. Two roles,
// each in its own process as the real devices are:
//   server DIR          opens the library, listens, prints {"port", "digests"}; stops on stdin's end
//   client DIR URL FILE creates a library, loads every shard the server listed (FILE) so that it
//                       syncs, and prints {"documents_s"} once every digest and the clip count match
import { WebSocketClientAdapter, WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import fs from 'node:fs/promises';
import { WebSocketServer } from 'ws';
import { Library } from '../../main/library/library.js';
import { SyncedDocuments, type DocumentState } from '../../main/sync/documents/synced-documents.js';
import { TEST_PASSPHRASE } from '../helpers/cli.js';

const [role, dir, url, file] = process.argv.slice(2);

async function serve(): Promise<void> {
  const library = await Library.open(dir!, { method: 'passphrase', passphrase: TEST_PASSPHRASE });
  const documents = new SyncedDocuments(library);
  const digests = await documents.states();
  const sockets = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => sockets.once('listening', resolve));
  // Every peer may have everything: the baseline has no notion of who is asking.
  library.setDevicePolicy(() => true);
  // The adapter is typed against isomorphic-ws's copy of the ws types; the object is the same ws server.
  library.repo.networkSubsystem.addNetworkAdapter(new WebSocketServerAdapter(sockets as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]));
  const { port } = sockets.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port, digests })}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once('end', resolve));
  documents.close();
  sockets.close();
  await library.close();
}

async function sync(): Promise<void> {
  const expected = JSON.parse(await fs.readFile(file!, 'utf8')) as { digests: DocumentState[]; clips: number };
  const library = await Library.create(dir!, { passphrase: TEST_PASSPHRASE, scryptCost: { N: 2 ** 14, r: 8, p: 1 } });
  const documents = new SyncedDocuments(library);
  library.setDevicePolicy(() => true);
  const started = performance.now();
  library.repo.networkSubsystem.addNetworkAdapter(new WebSocketClientAdapter(url!));
  // The same bound on documents held at once as the real exchange (PeerDocumentSync's MAX_HELD).
  const pending = [...expected.digests];
  const holding = new Set<Promise<void>>();
  while (pending.length > 0 || holding.size > 0) {
    while (pending.length > 0 && holding.size < 64) {
      const state = pending.shift()!;
      const task = documents.hold(state.doc).then(() => waitForDigest(documents, state));
      holding.add(task);
      void task.finally(() => holding.delete(task));
    }
    await Promise.race(holding);
  }
  while (library.index.allClipIds().length < expected.clips) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ documents_s: seconds })}\n`);
  documents.close();
  await library.close();
  process.exit(0);
}

/** Resolves once the held document reaches the server's digest (told by its change events, as in the real exchange). */
async function waitForDigest(documents: SyncedDocuments, state: DocumentState): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = () => {
      stop();
      resolve();
    };
    const stop = documents.onChanged((changed) => {
      if (changed.id === state.id && changed.digest === state.digest) done();
    });
    if (documents.digestOf(state.id) === state.digest) done();
  });
  documents.release(state.doc);
}

(role === 'server' ? serve() : sync()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
