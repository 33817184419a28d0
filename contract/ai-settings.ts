// What the Models panel and the AI providers settings show, as the core sends it. Shared by main
// (main/api/model-handlers.ts, provider-handlers.ts) and the renderer; never holds an API key.
import type { AiCapability } from './analysis.js';

/** bundled: comes with ClipShot; outdated: an older version is installed; partial: a download waits to resume. */
export type ModelState = 'bundled' | 'installed' | 'outdated' | 'partial' | 'not-installed';

/** Why a download stopped, as the model store said it (its codes: main/ai/models/model-errors.ts). */
export interface ModelInstallFailure {
  /** network, timeout, http, checksum, size, disk-full, busy, … */
  code: string;
  /** One plain sentence naming the file concerned. */
  message: string;
  /** Whether trying again may pass without the person changing anything (the part already downloaded is kept). */
  retryable: boolean;
}

/** A download this instance is running, or the last one that failed. */
export interface ModelInstallView {
  state: 'downloading' | 'failed';
  /** Bytes of the model on disk, a resumed part included. */
  receivedBytes: number;
  totalBytes: number;
  /** Over the last few seconds; null until there is enough to say. */
  bytesPerSecond: number | null;
  /** Why the current try is a retry ("the connection failed at …"), null otherwise. */
  retrying: string | null;
  /** With state 'failed'. */
  failure: ModelInstallFailure | null;
}

/** What the core knows of one catalog model: the model store's listing, and the Models panel's. */
export interface ModelFacts {
  id: string;
  title: string;
  task: AiCapability;
  /** The catalog's version. */
  version: string;
  licence: string;
  /** Where the model comes from, for a person to read about it. */
  homepage: string;
  bundled: boolean;
  state: ModelState;
  /** All of its files, per the catalog. */
  sizeBytes: number;
  installedVersion: string | null;
  /** What it takes in the models folder (installed versions and partial downloads): what removing frees. */
  diskBytes: number;
  /** Of which a download waiting to resume. */
  partialBytes: number;
}

export interface ModelView extends ModelFacts {
  install: ModelInstallView | null;
}

export interface ModelsStatus {
  /** The models folder on the device running ClipShot. */
  dir: string;
  /** Everything in the models folder. */
  diskBytes: number;
  models: ModelView[];
  /** Whether importModels without a folder asks the person for one (the desktop app's dialog). */
  canChooseFolder: boolean;
}

/** What installing would download, and from where: what the person is asked to agree to. */
export interface ModelDownloadPlan {
  id: string;
  title: string;
  version: string;
  sizeBytes: number;
  /** What is left to download (a partial download counts as had). */
  remainingBytes: number;
  /** The hosts the files come from. */
  hosts: string[];
  files: number;
}

export interface ModelImportResult {
  /** The folder read (the one chosen in the desktop app's dialog). */
  folder: string;
  installed: { id: string; version: string }[];
  alreadyInstalled: string[];
  /** missing: no file in the folder matched; checksum: a file by that name is there but is not the catalog's. */
  problems: { id: string; file: string; problem: 'missing' | 'checksum'; message: string }[];
}

/** The on-device provider: always on, nothing leaves the device. */
export interface LocalProviderView {
  id: 'local';
  name: string;
  /** What the installed models can do (reading text comes with ClipShot; tags once CLIP is installed). */
  capabilities: AiCapability[];
}

/** A remote provider's settings on this device. Never holds the API key: only whether one is stored. */
export interface RemoteProviderView {
  id: string;
  name: string;
  capabilities: AiCapability[];
  enabled: boolean;
  hasKey: boolean;
  /** Where the key is kept ('keyring', 'safe-storage', 'library', …), or null. */
  keyStore: string | null;
  /** In effect (the provider's own unless changed). */
  baseUrl: string;
  host: string;
  model: string;
  embeddingModel: string | null;
  defaultBaseUrl: string;
  defaultModel: string;
  /** When the person agreed to what would be sent (ms since 1970); null: never. */
  consentedAt: number | null;
  /** What turning it on with these settings would send, and where. */
  consentText: string;
}

export interface AiProvidersView {
  local: LocalProviderView;
  remote: RemoteProviderView[];
}
