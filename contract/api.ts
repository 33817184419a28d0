// ClipShotApi: everything the renderer may ask of the core, whichever transport carries it
// (Electron IPC through the preload, or a WebSocket to `clipshot serve`). Every request is
// checked against its schema on the core's side before anything runs.
import { z } from 'zod';
import { CLIP_KINDS, type ClipKind, type ClipPage, type ClipView } from './clips.js';
import { MAX_BULK_CLIPS, type BulkProgress, type LabelBulkResult, type MadeClip, type ReanalyseBulkResult, type TrashBulkResult } from './bulk.js';
import type { MediaRequest, MediaUrlOptions, MediaVariant } from './media.js';
import { checkDeviceName, checkPairingCode, checkPeerAddress, DEVICE_NAME_MAX_CHARS, PEER_ADDRESS_MAX_CHARS, type CheckedInput } from './device-inputs.js';
import type { DeviceView, PairingInvitationView, SyncStatus } from './devices.js';
import { SHARING_REQUEST_SCHEMAS, type SharingResults } from './sharing.js';
import type { AnalysisProgress, ClipAnalysisView } from './analysis.js';
import type { AiProvidersView, ModelDownloadPlan, ModelImportResult, ModelsStatus, RemoteProviderView } from './ai-settings.js';
import { PLUGIN_REQUEST_SCHEMAS, type PluginApiEvent, type PluginApiResults } from './plugin-api.js';
import { captureIdSchema, saveCaptureSchema, type CaptureOverlayInput, type CaptureSaved } from './capture/capture.js';
import { PICKER_REQUEST_SCHEMAS, type PickerResults } from './clipboard-picker.js';
import { CAPTURE_SETTINGS_REQUEST_SCHEMAS, type CaptureSettingsResults } from './capture/capture-settings.js';
import { AUDIT_REQUEST_SCHEMAS, type AuditResults } from './audit.js';
import { LOCK_REQUEST_SCHEMAS, type LockResults, type LockState } from './lock.js';
import { RATE_LIMIT_REQUEST_SCHEMAS, type RateLimitResults } from './rate-limits.js';

export * from './bulk.js';
export type * from './ai-settings.js';
export type * from './plugin-api.js';

export type { MediaRequest, MediaUrlOptions, MediaVariant } from './media.js';

export const CLIP_SORT_FIELDS = ['captured', 'imported', 'title'] as const;
export type ClipSortField = (typeof CLIP_SORT_FIELDS)[number];

const clipId = z.string().regex(/^[0-9a-z]{26}$/, 'not a clip id');
const tagName = z.string().min(1).max(64);
const shortText = z.string().max(1000);

/** Which clips a list holds, and in which order (no paging). */
const clipFilterFields = {
  kind: z.enum(CLIP_KINDS).optional(),
  tag: tagName.optional(),
  collection: tagName.optional(),
  from: z.number().finite().optional(),
  to: z.number().finite().optional(),
  hasText: z.boolean().optional(),
  /** Search words; every word must match (title, notes, text). */
  text: shortText.optional(),
  trash: z.boolean().optional(),
  /** What the list is ordered by (default captured). */
  orderBy: z.enum(CLIP_SORT_FIELDS).optional(),
  /** Default: newest first for captured and imported, A to Z for title. */
  direction: z.enum(['asc', 'desc']).optional(),
};

export const clipListQuerySchema = z
  .object({
    ...clipFilterFields,
    limit: z.number().int().min(1).max(1000).optional(),
    /** Either a cursor from the previous page, or an offset (a virtualised grid jumping to a row). */
    cursor: z.string().max(200).optional(),
    offset: z.number().int().min(0).max(10_000_000).optional(),
  })
  .strict()
  .refine((query) => query.cursor === undefined || query.offset === undefined, 'give a cursor or an offset, not both');
export type ClipListQuery = z.infer<typeof clipListQuerySchema>;

export interface LibraryOverview {
  libraryId: string;
  /** Clips not in the trash. */
  total: number;
  trash: number;
  kinds: Record<ClipKind, number>;
  /** Most used first. */
  tags: { name: string; count: number }[];
  collections: { name: string; count: number }[];
}

export const TIMELINE_BUCKETS = ['year', 'month', 'day', 'hour'] as const;
export type TimelineBucketSize = (typeof TIMELINE_BUCKETS)[number];
export interface TimelineBucket {
  /** Start of the bucket (UTC), ms since the epoch. */
  start: number;
  count: number;
}

/** Where a clip's metadata lives: one entry (`clips[clipId]`) of a catalog shard document. */
export interface ClipDocumentRef {
  clipId: string;
  documentUrl: string;
  shard: number;
  /** The clip's detail document (ClipDetailDoc): its edits, and a text clip's text. */
  detailUrl: string;
}

export interface ClipHistoryEntry {
  /** edit | tag | collections | trash | restore | undo | import */
  operation: string;
  /** Seconds since the epoch, as the change records it (0 when unknown). */
  time: number;
  /** The first characters of the device's actor id, to tell devices and windows apart. */
  actor: string;
}

export interface ImportFailure {
  name: string;
  code: string;
  reason: string;
}

export interface ImportProgress {
  importId: string;
  /** Files whose outcome is final. */
  done: number;
  /** Files asked for (folders count the files found so far). */
  total: number;
  imported: string[];
  duplicates: { name: string; existingId: string }[];
  failed: ImportFailure[];
  finished: boolean;
  cancelled: boolean;
}

/** A clip that analysis gave up on (it failed every attempt, or stopped the worker), as the app lists it. */
export interface AnalysisFailure {
  clipId: string;
  /** The clip's title ('' when it has none, or it is gone). */
  title: string;
  /** failed: every attempt failed; crashed: the analysis worker stopped while on this clip. */
  state: 'failed' | 'crashed';
  /** Why, in words. */
  error: string;
  attempts: number;
}

export const EXPORT_FORMATS = ['original', 'png', 'jpeg', 'webp', 'mp4', 'webm', 'gif', 'txt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A long export (a trimmed video, a GIF, a zip of clips) as it goes. */
export interface ExportProgress {
  jobId: string;
  /** What is being exported, for a person: "Trimmed video as MP4". */
  label: string;
  /** 0..1 */
  fraction: number;
  /** What it is doing now: "encoding", "writing the zip". */
  stage: string;
  finished: boolean;
  cancelled: boolean;
  /** Why it failed, in words; null unless it failed. */
  error: string | null;
  /** Once finished: the file's name, downloadable at the API's exportUrl(jobId) for a while. */
  fileName: string | null;
}

/** How loud each equal part of a video's sound is (0..1), or why there is nothing to show. */
export type VideoWaveform = { peaks: number[] } | { peaks: null; reason: string };

/** What a video editor's timeline draws besides the frames (those are the `frames` media variant). */
export interface VideoTimeline {
  /** As ffmpeg reads the original; trims and the export count in these ms. */
  durationMs: number;
  /** One frame's duration: the step of the arrow keys. */
  frameMs: number;
  /** Where a cut can start without re-encoding (ms, in order); null when there are too many to list (every frame is one). */
  keyframesMs: number[] | null;
  /** The formats an export writes by copying the streams (fast, lossless) when the cut starts on a keyframe. */
  streamCopyFormats: ('mp4' | 'webm')[];
  waveform: VideoWaveform;
}

export type ApiEvent =
  /** The index changed: pages shown may be stale. `clipIds` lists the clips touched when known. */
  | { type: 'library-changed'; clipIds: string[] | null }
  | { type: 'import-progress'; progress: ImportProgress }
  | { type: 'export-progress'; progress: ExportProgress }
  | { type: 'bulk-progress'; progress: BulkProgress }
  /** Sync's status changed (devices, progress, this device's name…): at most a few a second, each the whole status. */
  | { type: 'sync-changed'; status: SyncStatus }
  /** Background analysis moved on (a clip started or finished, paused, queued…): at most a few a second, each the whole progress. */
  | { type: 'analysis-changed'; progress: AnalysisProgress }
  /** A model's download moved on, or a model was installed, imported or removed: at most a few a second, each the whole status. */
  | { type: 'models-changed'; status: ModelsStatus }
  /** A remote AI provider was turned on or off, or forgotten (never with its key). */
  | { type: 'providers-changed'; providers: AiProvidersView }
  /** Plugins: the installed list changed, an install moved on, a plugin showed a panel (contract/plugin-api.ts). */
  | PluginApiEvent
  /** The instance locked (a window drops everything it shows) or unlocked (contract/lock.ts). */
  | { type: 'lock-changed'; state: LockState };

const clipIdParams = z.object({ id: clipId }).strict();

const bulkClipIds = z.array(clipId).max(MAX_BULK_CLIPS, `at most ${MAX_BULK_CLIPS.toLocaleString('en')} clips at once`);
export const clipSelectionSchema = z
  .object({
    ids: bulkClipIds.min(1, 'no clips are selected').optional(),
    query: z.object(clipFilterFields).strict().optional(),
    except: bulkClipIds.optional(),
  })
  .strict()
  .refine((selection) => (selection.ids === undefined) !== (selection.query === undefined), 'give either ids or a query')
  .refine((selection) => selection.except === undefined || selection.query !== undefined, 'except goes with a query');
/** Chosen by the caller, so it can cancel (cancelBulk) before the answer arrives and match 'bulk-progress' events. */
const operationId = z.string().regex(/^[0-9a-f]{32}$/, 'an operation id is 32 hexadecimal characters');
const labelNames = z.array(tagName).max(100);
const bulkLabelParams = z
  .object({ selection: clipSelectionSchema, add: labelNames.optional(), remove: labelNames.optional(), operationId: operationId.optional() })
  .strict()
  .refine((params) => (params.add?.length ?? 0) + (params.remove?.length ?? 0) > 0, 'nothing to change: give a name to add or remove');
const bulkParams = z.object({ selection: clipSelectionSchema, operationId: operationId.optional() }).strict();
const clipIdsParams = z.object({ ids: z.array(clipId).min(1).max(10_000) }).strict();

/** A string the check accepts, with the check's reason as the error; the parsed value is the check's (normalised) value. */
function checked(maxLength: number, check: (input: string) => CheckedInput) {
  return z
    .string()
    .max(maxLength)
    .transform((input, context) => {
      const result = check(input);
      if (result.ok) return result.value;
      context.addIssue({ code: 'custom', message: result.reason });
      return z.NEVER;
    });
}
const pairingCode = checked(32, checkPairingCode);
const peerAddress = checked(PEER_ADDRESS_MAX_CHARS, checkPeerAddress);
const deviceName = checked(DEVICE_NAME_MAX_CHARS * 4, checkDeviceName);
/** A paired device by id, fingerprint or name. */
const deviceReference = z
  .string()
  .min(1)
  .max(DEVICE_NAME_MAX_CHARS * 4)
  .refine((reference) => !/[\p{Cc}]/u.test(reference), 'a device is named by its id, fingerprint or name');
const noParams = z.object({}).strict();
const analysisClipIds = z.array(clipId).min(1, 'no clips are given').max(MAX_BULK_CLIPS, `at most ${MAX_BULK_CLIPS.toLocaleString('en')} clips at once`);
/** A suggested tag as the clip's entry holds it (contract/analysis.ts SuggestedTagSummary). */
const suggestedTag = z.object({ id: clipId, tag: z.string().min(1, 'no tag is given').max(200, 'no suggested tag is that long') }).strict();

/** A catalog model's id (models/catalog.json). */
const modelId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'not a model id');
/** A remote AI provider's id ('openai', 'anthropic'). */
const providerId = z.string().min(1, 'no provider is named').max(40, 'no provider has so long an id');
/** What a provider's requests go to; the core checks it in words (https, no credentials…). */
const providerDestination = {
  baseUrl: z.string().max(2000, 'a base URL is at most 2,000 characters').optional(),
  model: z.string().max(200, 'a model name is at most 200 characters').optional(),
  embeddingModel: z.string().max(200, 'a model name is at most 200 characters').optional(),
};

/** Every method's request schema. A method not listed here does not exist. */
export const API_REQUEST_SCHEMAS = {
  listClips: clipListQuerySchema,
  countClips: clipListQuerySchema,
  getClip: clipIdParams,
  overview: z.object({}).strict(),
  timeline: z.object({ query: clipListQuerySchema, bucket: z.enum(TIMELINE_BUCKETS) }).strict(),
  openClipDocument: clipIdParams,
  closeClipDocument: clipIdParams,
  clipHistory: clipIdParams,
  editClip: z.object({ id: clipId, title: z.string().max(10_000).optional(), notes: z.string().max(1_000_000).optional() }).strict(),
  changeTags: z.object({ id: clipId, add: z.array(tagName).max(100).optional(), remove: z.array(tagName).max(100).optional() }).strict(),
  trashClips: clipIdsParams,
  restoreClips: clipIdsParams,
  undoClip: clipIdParams,
  /** Imports files uploaded to `serve` (POST /upload) by their upload ids. */
  importUploads: z.object({ uploads: z.array(z.object({ uploadId: z.string().regex(/^[0-9a-f]{32}$/), name: z.string().min(1).max(1000) }).strict()).min(1).max(10_000) }).strict(),
  /** Imports local files and folders by path (Electron, where the renderer is given real paths). */
  importPaths: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
  importText: z.object({ text: z.string().min(1).max(16 * 1024 * 1024), title: z.string().max(500).optional() }).strict(),
  cancelImport: z.object({ importId: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  /** Starts an export of one clip with its edits applied; progress arrives as 'export-progress' events. */
  exportClip: z
    .object({
      id: clipId,
      format: z.enum(EXPORT_FORMATS),
      /** The window's heads of the clip's detail document: the export waits until the core has those edits. */
      detailHeads: z.array(z.string().min(1).max(100)).max(64).optional(),
    })
    .strict(),
  cancelExport: z.object({ jobId: z.string().regex(/^[0-9a-f]{32}$/) }).strict(),
  /** A video's duration, frame length, keyframes and waveform (`buckets` peaks over its whole length). */
  videoTimeline: z.object({ id: clipId, buckets: z.number().int().min(1).max(4000) }).strict(),
  /** Opens the library's settings document (contract/settings-document.ts) for this window until it goes away. */
  openSettingsDocument: z.object({}).strict(),
  /** The capture times of the first and last clip a list query matches (what a timeline spans). */
  timelineSpan: z.object({ query: clipListQuerySchema }).strict(),
  /** Adds and removes tags on every selected clip: one change per shard naming its clips, one undo step in the window. */
  bulkTags: bulkLabelParams,
  /** Adds to and removes from collections; `exclusive` also takes each clip out of every collection not added (a move). */
  bulkCollections: z
    .object({ selection: clipSelectionSchema, add: labelNames.optional(), remove: labelNames.optional(), exclusive: z.boolean().optional(), operationId: operationId.optional() })
    .strict()
    .refine((params) => (params.add?.length ?? 0) + (params.remove?.length ?? 0) > 0, 'nothing to change: give a collection to add or remove')
    .refine((params) => !params.exclusive || params.add?.length === 1, 'a move names exactly one collection to add'),
  bulkTrash: bulkParams,
  bulkRestore: bulkParams,
  /** Re-renders each clip's thumbnail and edits and reads its file's facts again. */
  bulkReanalyse: bulkParams,
  /** Starts an export of the selected clips (edits applied) as one zip, or into a folder the shell asks the person for (the desktop app only); progress arrives as 'export-progress' events. */
  bulkExport: z.object({ selection: clipSelectionSchema, destination: z.enum(['zip', 'folder']) }).strict(),
  /** Stitches images into a new image clip, in the selection's order. */
  combineImages: z.object({ selection: clipSelectionSchema, layout: z.enum(['vertical', 'horizontal']) }).strict(),
  /** Joins text clips, in the selection's order, into a new text clip. */
  mergeTexts: z.object({ selection: clipSelectionSchema }).strict(),
  cancelBulk: z.object({ operationId }).strict(),
  /** This device, the paired ones, and how syncing goes. */
  syncStatus: noParams,
  /** Shows a new pairing code (replacing one still waiting); poll pairingState while it is shown. */
  startPairing: noParams,
  pairingState: noParams,
  cancelPairing: noParams,
  /** Pairs with the device showing `code` at `peer` (HOST:PORT). */
  joinDevice: z.object({ code: pairingCode, peer: peerAddress }).strict(),
  /** Revokes a paired device: its connections close and it gets nothing new (what it already has stays with it). */
  unpairDevice: z.object({ device: deviceReference }).strict(),
  /** Renames this device (what the others show for it). */
  renameDevice: z.object({ name: deviceName }).strict(),
  /** Connects to a device at HOST:PORT now. */
  connectDevice: z.object({ peer: peerAddress }).strict(),
  /** 'on-demand' fetches an original when it is opened; 'all' keeps every original here. */
  setOriginals: z.object({ mode: z.enum(['on-demand', 'all']) }).strict(),
  /** People and shared collections (contract/sharing.ts). */
  ...SHARING_REQUEST_SCHEMAS,
  /** How background analysis goes: queued, analysed, failed, the clip it is on. */
  analysisProgress: noParams,
  /** Analyses the clips (or every clip) again, even those whose analysis is current or that failed. */
  analyseClips: z
    .object({ ids: analysisClipIds.optional(), all: z.literal(true).optional() })
    .strict()
    .refine((params) => (params.ids === undefined) !== (params.all === undefined), 'give either ids or all: true'),
  /** The clips on screen: those not analysed yet go first. */
  prioritiseAnalysis: z.object({ ids: z.array(clipId).max(1000, 'at most 1,000 clips at once') }).strict(),
  pauseAnalysis: noParams,
  resumeAnalysis: noParams,
  /** Drops the clips (every queued clip without ids) from the queue, stopping the one being analysed if it is among them. */
  cancelAnalysis: z.object({ ids: analysisClipIds.optional() }).strict(),
  /** What this device knows of one clip's analysis: status, recognised text with boxes, frames, open suggestions. */
  clipAnalysis: clipIdParams,
  /** The clips analysis gave up on, with the reasons (most recent clips first). */
  analysisFailures: noParams,
  /** Makes a suggested tag one of the clip's own tags. */
  acceptSuggestion: suggestedTag,
  /** Turns a suggested tag down: it is never suggested for this clip again (and is taken off the clip's tags). */
  rejectSuggestion: suggestedTag,
  /** Every catalog model with its state, a download under way or failed, and the models folder's disk use. */
  listModels: noParams,
  /** What installing the model would download, from which hosts: the consent question. */
  planModelInstall: z.object({ id: modelId }).strict(),
  /**
   * Starts downloading the model (resuming a partial one); progress arrives as 'models-changed' events.
   * `consent` is what the person agreed to (planModelInstall's bytes and hosts): a download that now
   * needs more, or another host, is refused.
   */
  installModel: z
    .object({
      id: modelId,
      consent: z
        .object({ remainingBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), hosts: z.array(z.string().min(1).max(300)).max(100) }, { error: 'nothing is downloaded without consent: give the bytes and hosts the person agreed to' })
        .strict(),
    })
    .strict(),
  /** Stops a download; what has arrived is kept, and installing again resumes it. */
  cancelModelInstall: z.object({ id: modelId }).strict(),
  /** Deletes every installed version and any partial download of the model (bundled ones cannot be removed). */
  removeModel: z.object({ id: modelId }).strict(),
  /** Installs every catalog model whose files are all in the folder (on the device running ClipShot), verified; without a folder the desktop app asks for one. */
  importModels: z.object({ folder: z.string().min(1, 'no folder is given').max(4096).optional() }).strict(),
  /** The on-device provider and each remote one, as this device has them (never the API keys). */
  aiProviders: noParams,
  /** What turning the provider on with these settings would send, and where: shown word for word before it is turned on. */
  providerConsentText: z.object({ id: providerId, ...providerDestination }).strict(),
  /** Turns a remote provider on. Needs the person's consent to `consentText` (as providerConsentText gave it for these settings), and an API key unless one is stored. */
  enableProvider: z
    .object({
      id: providerId,
      consent: z.literal(true, { error: 'turning a provider on needs the consent of the person to what it would send' }),
      consentText: z.string().min(1).max(20_000),
      apiKey: z.string().max(8192, 'that is too long to be an API key').optional(),
      ...providerDestination,
    })
    .strict(),
  /** Turns a remote provider off at once (queued requests included); its key and settings are kept. */
  disableProvider: z.object({ id: providerId }).strict(),
  /** Turns a remote provider off and deletes its key and settings from this device. */
  forgetProvider: z.object({ id: providerId }).strict(),
  /** What a capture overlay shows: the display, the screenshot's size, the windows to snap to, the last region, the after-capture settings. */
  captureInput: z.object({ captureId: captureIdSchema }).strict(),
  /** Ends a capture with a region (and what was drawn on it, in the region's pixels): saved as a clip, copied or pinned, as the trigger and settings say. */
  saveCapture: saveCaptureSchema,
  /** Esc in a capture overlay: the screenshot is dropped and nothing is saved. */
  cancelCapture: z.object({ captureId: captureIdSchema }).strict(),
  /** The Plugins panel: marketplace, installed plugins, their commands (contract/plugin-api.ts). */
  ...PLUGIN_REQUEST_SCHEMAS,
  /** The clipboard picker (contract/clipboard-picker.ts). */
  ...PICKER_REQUEST_SCHEMAS,
  /** Capture and clipboard history settings (contract/capture/capture-settings.ts). */
  ...CAPTURE_SETTINGS_REQUEST_SCHEMAS,
  /** The audit log (contract/audit.ts). */
  ...AUDIT_REQUEST_SCHEMAS,
  /** The app lock (contract/lock.ts). */
  ...LOCK_REQUEST_SCHEMAS,
  /** This device's rate limits (contract/rate-limits.ts). */
  ...RATE_LIMIT_REQUEST_SCHEMAS,
} as const;

export type ApiMethod = keyof typeof API_REQUEST_SCHEMAS;
export const API_METHODS = Object.keys(API_REQUEST_SCHEMAS) as ApiMethod[];
export type ApiParams<M extends ApiMethod> = z.input<(typeof API_REQUEST_SCHEMAS)[M]>;

/** What each method resolves to. */
export interface ApiResults extends PluginApiResults, PickerResults, CaptureSettingsResults, AuditResults, RateLimitResults, LockResults, SharingResults {
  listClips: ClipPage<ClipView>;
  countClips: number;
  getClip: ClipView;
  overview: LibraryOverview;
  timeline: TimelineBucket[];
  openClipDocument: ClipDocumentRef;
  closeClipDocument: null;
  clipHistory: ClipHistoryEntry[];
  editClip: ClipView;
  changeTags: ClipView;
  trashClips: ClipView[];
  restoreClips: ClipView[];
  undoClip: { clip: ClipView; undone: string };
  importUploads: { importId: string };
  importPaths: { importId: string };
  importText: { clipId: string; duplicateOf: string | null };
  cancelImport: null;
  exportClip: { jobId: string };
  cancelExport: null;
  videoTimeline: VideoTimeline;
  openSettingsDocument: { documentUrl: string };
  timelineSpan: { first: number; last: number } | null;
  bulkTags: LabelBulkResult;
  bulkCollections: LabelBulkResult;
  bulkTrash: TrashBulkResult;
  bulkRestore: TrashBulkResult;
  bulkReanalyse: ReanalyseBulkResult;
  /** jobId null: the person closed the folder chooser without choosing. */
  bulkExport: { jobId: string | null };
  combineImages: MadeClip;
  mergeTexts: MadeClip;
  cancelBulk: null;
  syncStatus: SyncStatus;
  startPairing: PairingInvitationView;
  /** null when no invitation was started (or it was cancelled and replaced by none). */
  pairingState: PairingInvitationView | null;
  cancelPairing: null;
  joinDevice: DeviceView;
  unpairDevice: DeviceView;
  renameDevice: DeviceView;
  connectDevice: null;
  setOriginals: null;
  analysisProgress: AnalysisProgress;
  analyseClips: { queued: number };
  prioritiseAnalysis: null;
  pauseAnalysis: AnalysisProgress;
  resumeAnalysis: AnalysisProgress;
  cancelAnalysis: { cancelled: number };
  clipAnalysis: ClipAnalysisView;
  analysisFailures: AnalysisFailure[];
  /** The clip with the tag among its own. */
  acceptSuggestion: ClipView;
  /** The clip with the tag turned down. */
  rejectSuggestion: ClipView;
  listModels: ModelsStatus;
  planModelInstall: ModelDownloadPlan;
  /** The status with the download under way (or the model already installed). */
  installModel: ModelsStatus;
  /** The status once the download has stopped (the model shows as a partial download). */
  cancelModelInstall: ModelsStatus;
  removeModel: { id: string; freedBytes: number };
  /** null: the person closed the folder chooser without choosing. */
  importModels: ModelImportResult | null;
  aiProviders: AiProvidersView;
  providerConsentText: { text: string };
  enableProvider: RemoteProviderView;
  disableProvider: RemoteProviderView;
  forgetProvider: RemoteProviderView;
  captureInput: CaptureOverlayInput;
  saveCapture: CaptureSaved;
  cancelCapture: null;
}

/** The request/response part of the API, as every transport carries it. */
export type ClipShotRequests = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResults[M]> };

/** Every API method, each carried by one `call` (a transport's single way to send a request). */
export function requestsThrough(call: (method: ApiMethod, params: unknown) => Promise<unknown>): ClipShotRequests {
  const requests: Partial<Record<ApiMethod, (params: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) requests[method] = (params) => call(method, params);
  return requests as unknown as ClipShotRequests;
}

/** The whole API as the renderer sees it. */
export interface ClipShotApi extends ClipShotRequests {
  /** A URL the renderer can put in an <img>/<video> src (range requests work for video). */
  mediaUrl(clipId: string, media: MediaVariant | MediaRequest, options?: MediaUrlOptions): string;
  /** Where a finished export job's file is downloaded from. */
  exportUrl(jobId: string): string;
  /** Calls `listener` for every event until the returned function is called. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

export const API_ERROR_CODES = [
  'invalid-request', // the request does not match its schema, or names no method
  'not-found', // no such clip (or upload, or import)
  'ambiguous', // an id prefix matches several clips
  'invalid-edit', // the edit breaks a rule (title length, tag characters, ...)
  'invalid-query',
  'unsupported', // this transport cannot do that (e.g. importPaths under serve)
  'rate-limited',
  'busy', // the library cannot answer that right now (e.g. its index is being rebuilt); try again
  'unauthorized',
  'storage-failure', // the library must be reopened
  'disconnected', // the connection to the core was lost before the answer came
  'unreachable', // another device (pairing, connecting) could not be reached or did not answer in time
  'locked', // the library is locked: nothing of it is readable until it is unlocked (contract/lock.ts)
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** An error as it crosses a transport: a code a program can act on, a message a person can read. */
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  /** With 'rate-limited': milliseconds until the request would be let through. */
  retryAfterMs?: number;
}

export class ApiError extends Error implements ApiErrorData {
  readonly retryAfterMs?: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    options: { retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  static from(data: unknown): ApiError {
    const parsed = z.object({ code: z.enum(API_ERROR_CODES), message: z.string(), retryAfterMs: z.number().int().min(0).optional() }).safeParse(data);
    return parsed.success ? new ApiError(parsed.data.code, parsed.data.message, parsed.data.retryAfterMs === undefined ? {} : { retryAfterMs: parsed.data.retryAfterMs }) : new ApiError('internal', 'the core sent a malformed error');
  }

  toJSON(): ApiErrorData {
    return this.retryAfterMs === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** Wire format of the WebSocket API (and the shape the Electron bridge mirrors). */
export const apiRequestMessageSchema = z.object({ id: z.number().int().nonnegative(), method: z.string().max(64), params: z.unknown() }).strict();
export type ApiRequestMessage = z.infer<typeof apiRequestMessageSchema>;
export type ApiServerMessage =
  | { id: number; result: unknown }
  | { id: number; error: ApiErrorData }
  | { event: ApiEvent };
