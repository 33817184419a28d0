// How the Models panel and the AI settings say what a model is, where it stands and why a download stopped.
import type { ModelInstallFailure, ModelView } from '../../../contract/ai-settings.js';
import type { AiCapability } from '../../../contract/analysis.js';
import { formatBytes } from '../clip/detail-format.js';

export { formatBytes };

const CAPABILITY_TEXT: Record<AiCapability, string> = {
  'recognise-text': 'Reads text in images',
  tag: 'Suggests tags',
  describe: 'Describes images',
  embed: 'Finds similar clips',
};

export function capabilityText(capability: AiCapability): string {
  return CAPABILITY_TEXT[capability];
}

/** The exact count, for the consent question: "153,851,446 bytes". */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en')} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

export function stateText(model: ModelView): string {
  if (model.install?.state === 'downloading') return 'Downloading';
  if (model.install?.state === 'failed') return 'Download failed';
  switch (model.state) {
    case 'bundled':
      return 'Comes with ClipShot';
    case 'installed':
      return 'Installed';
    case 'partial':
      return `Partly downloaded (${formatBytes(model.partialBytes)} of ${formatBytes(model.sizeBytes)})`;
    case 'outdated':
      return `Outdated: version ${model.installedVersion ?? '?'} is installed, ${model.version} is available`;
    default:
      return 'Not installed';
  }
}

export function speedText(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '' : `${formatBytes(bytesPerSecond)}/s`;
}

/** "about 2 minutes left"; '' while the speed is not known. */
export function timeLeftText(remainingBytes: number, bytesPerSecond: number | null): string {
  if (!bytesPerSecond || remainingBytes <= 0) return '';
  const seconds = Math.ceil(remainingBytes / bytesPerSecond);
  if (seconds < 60) return `about ${seconds} second${seconds === 1 ? '' : 's'} left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'} left`;
  const hours = Math.round(minutes / 6) / 10;
  return `about ${hours} hour${hours === 1 ? '' : 's'} left`;
}

/** What went wrong and what Retry does, in words; the core's own sentence (naming the file) goes beneath. */
export function failureHeadline(failure: ModelInstallFailure): string {
  switch (failure.code) {
    case 'checksum':
    case 'size':
      return 'A downloaded file was not the one expected, so nothing was installed. Retry downloads that file again.';
    case 'network':
      return 'The download failed: the server could not be reached, or the connection broke. What arrived is kept, and Retry resumes it.';
    case 'timeout':
      return 'The server stopped sending. What arrived is kept, and Retry resumes it.';
    case 'http':
      return failure.retryable ? 'The server could not send the file just now. What arrived is kept, and Retry resumes it.' : 'The server refused the download.';
    case 'disk-full':
      return 'There is not enough free disk space for this model. Free some space, then Retry.';
    case 'busy':
      return 'This model is being changed elsewhere (another window or the command line). Retry once that is done.';
    default:
      return 'The download failed.';
  }
}
