import path from 'node:path';
import { ApiError, type API_REQUEST_SCHEMAS, type ApiResults } from '../../contract/api.js';
import { resolveSelection } from '../library/bulk/bulk-selection.js';
import { changeLabels, type LabelField } from '../library/bulk/label-changes.js';
import { combineImages, mergeTexts } from '../library/bulk/made-clips.js';
import { reanalyseClips } from '../library/bulk/reanalyse.js';
import { restoreClips, trashClips } from '../library/bulk/trash-changes.js';
import type { Library } from '../library/library.js';
import { exportClipsAsZip, exportClipsToFolder } from './bulk-export.js';
import type { BulkContext, BulkOperations } from './bulk-operations.js';
import type { ExportJobs } from './export-jobs.js';

type BulkMethod = 'bulkTags' | 'bulkCollections' | 'bulkTrash' | 'bulkRestore' | 'bulkReanalyse' | 'bulkExport' | 'combineImages' | 'mergeTexts' | 'cancelBulk';
type Params<M extends BulkMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type BulkHandlers = { [M in BulkMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

export interface BulkHandlerDependencies {
  operations: BulkOperations;
  exports: ExportJobs;
  /** Asks the person for a folder to export into (the desktop app's shell); absent where a window cannot name one (a browser). */
  chooseFolder?: (title: string) => Promise<string | null>;
}

/** The API's multi-clip operations: each resolves its selection, then works in batches with progress and cancel. */
export function createBulkHandlers(library: Library, { operations, exports, chooseFolder }: BulkHandlerDependencies): BulkHandlers {
  const run = (context: BulkContext) => ({ signal: context.signal, onProgress: context.progress });
  const labels = (field: LabelField, verb: string) => (params: Params<'bulkTags'> & { exclusive?: boolean }) =>
    operations.run(params.operationId, async (context) => {
      const ids = await resolveSelection(library, params.selection);
      context.describe(`${verb} ${count(ids.length)}`);
      const outcome = await changeLabels(library, ids, field, { add: params.add, remove: params.remove, exclusive: params.exclusive }, run(context));
      return { selected: ids.length, ...outcome };
    });
  const trash = (verb: string, move: typeof trashClips) => (params: Params<'bulkTrash'>) =>
    operations.run(params.operationId, async (context) => {
      const ids = await resolveSelection(library, params.selection);
      context.describe(`${verb} ${count(ids.length)}`);
      const outcome = await move(library, ids, run(context));
      return { selected: ids.length, ...outcome };
    });

  return {
    bulkTags: labels('tags', 'Tagging'),
    bulkCollections: labels('collections', 'Filing'),
    bulkTrash: trash('Moving to the trash', trashClips),
    bulkRestore: trash('Restoring', restoreClips),
    bulkReanalyse: (params) =>
      operations.run(params.operationId, async (context) => {
        const ids = await resolveSelection(library, params.selection);
        context.describe(`Analysing ${count(ids.length)} again`);
        const outcome = await reanalyseClips(library, ids, run(context));
        return { selected: ids.length, ...outcome };
      }),
    bulkExport: async ({ selection, destination }) => {
      const ids = await resolveSelection(library, selection);
      if (destination === 'zip') {
        return exports.start(`${count(ids.length)} as a zip`, async ({ folder, signal, report }) => {
          await library.settleEdits();
          const target = path.join(folder, 'ClipShot export.zip');
          await exportClipsAsZip(library, ids, target, { signal, report });
          return { path: target, mime: 'application/zip', fileName: `ClipShot ${count(ids.length)}.zip` };
        });
      }
      if (!chooseFolder) throw new ApiError('unsupported', 'this window cannot write into a folder on the device running ClipShot; export a zip instead');
      const chosen = await chooseFolder(`Export ${count(ids.length)} to a folder`);
      if (chosen === null) return { jobId: null };
      return exports.start(`${count(ids.length)} to ${chosen}`, async ({ signal, report }) => {
        await library.settleEdits();
        const outcome = await exportClipsToFolder(library, ids, chosen, { signal, report });
        if (outcome.failed.length > 0) throw new Error(`${outcome.written.length} exported; ${outcome.failed.length} could not be (${outcome.failed[0]!.reason})`);
        return null;
      });
    },
    combineImages: async ({ selection, layout }) => combineImages(library, await resolveSelection(library, selection), layout),
    mergeTexts: async ({ selection }) => mergeTexts(library, await resolveSelection(library, selection)),
    cancelBulk: ({ operationId }) => {
      operations.cancel(operationId);
      return null;
    },
  };
}

function count(clips: number): string {
  return `${clips.toLocaleString('en')} ${clips === 1 ? 'clip' : 'clips'}`;
}
