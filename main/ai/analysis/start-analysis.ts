import type { Library } from '../../library/library.js';
import type { AiProvider } from '../ai-provider.js';
import { ForkLauncher } from '../worker/fork-launcher.js';
import type { WorkerLauncher } from '../worker/worker-launcher.js';
import { AnalysisWorkerHost, type WorkerHostOptions } from '../worker/worker-host.js';
import type { TaskModels } from '../worker/worker-protocol.js';
import { installedAnalysisModels } from './analysis-models.js';
import { AnalysisService } from './analysis-service.js';

export interface StartAnalysisOptions {
  /** How the worker process starts: a utility process in Electron, a forked child otherwise. */
  launcher?: WorkerLauncher;
  models?: () => Promise<TaskModels>;
  host?: WorkerHostOptions;
  /** Enabled remote providers that tag (see AnalysisServiceOptions.remoteTaggers). */
  remoteTaggers?: () => AiProvider[];
}

/** Starts background analysis of the library's clips (the queue resumes where it was left). */
export function startAnalysis(library: Library, options: StartAnalysisOptions = {}): Promise<AnalysisService> {
  const host = new AnalysisWorkerHost(options.launcher ?? new ForkLauncher(), options.host);
  return AnalysisService.start(library, { host, models: options.models ?? (() => installedAnalysisModels()), ...(options.remoteTaggers && { remoteTaggers: options.remoteTaggers }) });
}
