// Fixes to pinned dependencies, applied to node_modules after every install (see
// patch-dependencies.ts and DEVELOPERS.md). Each is a few exact text replacements in a published
// build, written against one exact version: a different version stops the install until someone
// checks whether the fix is still needed.
import fs from 'node:fs';
import path from 'node:path';

export interface DependencyPatch {
  readonly packageName: string;
  /** The version the patch was written against; any other version is refused. */
  readonly version: string;
  /** The package's files (its builds) that carry the same code; every edit applies to each. */
  readonly files: readonly string[];
  /** Each `find` must occur exactly once in the unpatched file. */
  readonly edits: readonly { readonly find: string; readonly replace: string }[];
  readonly why: string;
}

// Inserted into Automerge's JavaScript API (see the third patch below).
const SYNC_STATE_HELPERS = `
// ClipShot (main/install/dependency-patches.ts): a sync state handed out keeps the WebAssembly
// state it was read from, and its fields are read from that only when someone looks at them.
const WASM_SYNC_STATE = Symbol("wasmSyncState");
const SYNC_STATE_KEYS = ["sharedHeads", "lastSentHeads", "theirHeads", "theirNeed", "theirHave", "sentHashes", "inFlight", "haveResponded", "readOnly", "peerReadOnly"];
function importSyncStateFast(state) {
    const kept = state != null ? state[WASM_SYNC_STATE] : undefined;
    // A copy: the state handed out stays what it was, however often it is used again.
    return kept !== undefined ? kept.clone() : ApiHandler.importSyncState(state);
}
function exportSyncStateLazily(syncState) {
    let exported = null;
    const state = {};
    const read = () => (exported !== null ? exported : (exported = ApiHandler.exportSyncState(syncState)));
    // Assigning a field turns the state into a plain object, which is read field by field again.
    const settle = () => {
        const values = read();
        delete state[WASM_SYNC_STATE];
        for (const key of SYNC_STATE_KEYS) Object.defineProperty(state, key, { value: values[key], writable: true, enumerable: true, configurable: true });
    };
    Object.defineProperty(state, WASM_SYNC_STATE, { value: syncState, configurable: true });
    for (const key of SYNC_STATE_KEYS) {
        Object.defineProperty(state, key, {
            enumerable: true,
            configurable: true,
            get: () => read()[key],
            set: (value) => {
                settle();
                state[key] = value;
            },
        });
    }
    return state;
}
`;

export const DEPENDENCY_PATCHES: readonly DependencyPatch[] = [
  {
    packageName: '@automerge/automerge',
    version: '3.5.0',
    files: ['dist/mjs/implementation.js', 'dist/cjs/slim.cjs', 'dist/cjs/fullfat_node.cjs', 'dist/cjs/fullfat_base64.cjs', 'dist/cjs/iife.cjs', 'dist/iife/iife.js'],
    edits: [{ find: 'before: _state(doc).heads,', replace: 'before: heads,' }],
    why:
      'progressDocument records the patches it just made so that diff() over the same heads can reuse them, but records the old document\'s "outdated" marker (always undefined here) as the heads they start from; the reuse never happens, and automerge-repo diffs every received sync message a second time',
  },
  {
    packageName: '@automerge/automerge-repo',
    version: '2.5.6',
    files: ['dist/DocHandle.js'],
    edits: [{ find: 'const docChanged = !headsAreSame(encodeHeads(afterHeads), encodeHeads(beforeHeads));', replace: 'const docChanged = !headsAreSame(afterHeads, beforeHeads);' }],
    why: 'DocHandle compares heads after encoding both lists in base58check (a double SHA-256 per head) on every update; the raw hex heads compare the same',
  },
  {
    packageName: '@automerge/automerge-repo',
    version: '2.5.6',
    files: ['dist/storage/StorageSubsystem.js'],
    edits: [
      {
        find: '        const newDoc = A.loadIncremental(A.init(), binary);\n',
        replace:
          '        // ClipShot (main/install/dependency-patches.ts): load builds the document at once;\n' +
          '        // loadIncremental stays for what only it accepts (a cut-off last chunk).\n' +
          '        let newDoc;\n' +
          '        try {\n' +
          '            newDoc = A.load(binary);\n' +
          '        }\n' +
          '        catch {\n' +
          '            newDoc = A.loadIncremental(A.init(), binary);\n' +
          '        }\n',
      },
    ],
    why: 'loadDoc applies a stored document to an empty one with loadIncremental, which builds the JavaScript document from a patch per value, three times the cost of load; loading shards was the largest part of a sync',
  },
  {
    packageName: '@automerge/automerge-repo',
    version: '2.5.6',
    files: ['dist/storage/StorageSubsystem.js'],
    edits: [{ find: 'if (headsAreSame(encodeHeads(newHeads), encodeHeads(oldHeads))) {', replace: 'if (headsAreSame(newHeads, oldHeads)) {' }],
    why: 'before every save, the storage subsystem compares heads after encoding both lists in base58check (a double SHA-256 per head); the raw hex heads compare the same',
  },
  {
    packageName: '@automerge/automerge-repo',
    version: '2.5.6',
    files: ['dist/synchronizer/DocSynchronizer.js'],
    edits: [
      { find: 'handle.on("change", asyncThrottle(() => this.#syncWithPeers(), this.syncDebounceRate));', replace: 'handle.on("heads-changed", asyncThrottle(() => this.#syncWithPeers(), this.syncDebounceRate));' },
      {
        find: 'if (A.decodeSyncMessage(message.data).heads.length > 0) {',
        // A version-1 sync message is its type byte (0x42), then the number of heads as LEB128,
        // whose first byte is 0 exactly when there are none; other kinds are decoded as before.
        replace: 'if (message.data[0] === 0x42 ? message.data[1] !== 0 : A.decodeSyncMessage(message.data).heads.length > 0) {',
      },
    ],
    why: 'a document\'s synchronizer listens to its handle\'s "change" event, which carries patches, only to learn that the heads moved ("heads-changed" says that without a diff, and also for a change that makes no patch, which was not sent on); and it decoded every received message, changes and all, only to see whether it names any heads',
  },
  {
    packageName: '@automerge/automerge-repo',
    version: '2.5.6',
    files: ['dist/DocHandle.js'],
    edits: [{ find: 'const patches = A.diff(after, beforeHeads, afterHeads);', replace: 'const patches = this.listenerCount("change") > 0 ? A.diff(after, beforeHeads, afterHeads) : [];' }],
    why: 'DocHandle diffs every update into patches for its "change" event, the whole document when one loads from storage, even when nobody listens (with the synchronizer on "heads-changed", nobody does while a document loads)',
  },
  {
    packageName: '@automerge/automerge',
    version: '3.5.0',
    // The ES module build: what Node and Vite load for ClipShot (the CommonJS builds are not used).
    files: ['dist/mjs/implementation.js'],
    edits: [
      { find: 'import { ApiHandler, UseApi } from "./low_level.js";\n', replace: `import { ApiHandler, UseApi } from "./low_level.js";\n${SYNC_STATE_HELPERS}` },
      {
        find: 'const syncState = ApiHandler.importSyncState(inState);\n    const message = state.handle.generateSyncMessage(syncState);\n    const outState = ApiHandler.exportSyncState(syncState);',
        replace: 'const syncState = importSyncStateFast(inState);\n    const message = state.handle.generateSyncMessage(syncState);\n    const outState = exportSyncStateLazily(syncState);',
      },
      { find: 'const syncState = ApiHandler.importSyncState(inState);\n    if (!opts) {', replace: 'const syncState = importSyncStateFast(inState);\n    if (!opts) {' },
      { find: 'const outSyncState = ApiHandler.exportSyncState(syncState);', replace: 'const outSyncState = exportSyncStateLazily(syncState);' },
    ],
    why: 'generateSyncMessage and receiveSyncMessage convert the sync state from JavaScript objects into WebAssembly and back on every call, though automerge-repo only hands back what the previous call returned: a tenth of a busy sync went to that',
  },
];

export interface PatchOutcome {
  file: string;
  state: 'applied' | 'already applied';
}

export class DependencyPatchError extends Error {
  override readonly name = 'DependencyPatchError';
}

/** Applies every patch under `root`'s node_modules; throws (changing nothing more) at the first that does not fit. */
export function applyDependencyPatches(root: string, patches: readonly DependencyPatch[] = DEPENDENCY_PATCHES): PatchOutcome[] {
  const outcomes: PatchOutcome[] = [];
  for (const patch of patches) {
    const packageDir = path.join(root, 'node_modules', ...patch.packageName.split('/'));
    const version = installedVersion(packageDir, patch);
    if (version !== patch.version) {
      throw new DependencyPatchError(
        `${patch.packageName} is ${version}, but its patch was written for ${patch.version}. Check whether this still holds: ${patch.why}. Then update or drop the patch in main/install/dependency-patches.ts.`,
      );
    }
    for (const file of patch.files) outcomes.push(patchFile(path.join(packageDir, file), patch));
  }
  return outcomes;
}

function installedVersion(packageDir: string, patch: DependencyPatch): string {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
    return String(manifest.version);
  } catch (error) {
    throw new DependencyPatchError(`${patch.packageName} is not installed under ${packageDir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function patchFile(file: string, patch: DependencyPatch): PatchOutcome {
  const original = fs.readFileSync(file, 'utf8');
  let text = original;
  for (const { find, replace } of patch.edits) {
    if (text.includes(replace)) continue;
    const found = text.split(find).length - 1;
    if (found !== 1) throw new DependencyPatchError(`${file}: expected the text to patch once, found it ${found} times (${patch.packageName} ${patch.version}: ${find.split('\n')[0]})`);
    text = text.replace(find, () => replace);
  }
  if (text === original) return { file, state: 'already applied' };
  // Written beside the file and renamed over it: an interrupted install never leaves half a file.
  const temporary = `${file}.clipshot-patch`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
  return { file, state: 'applied' };
}
