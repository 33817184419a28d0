// The API's capture methods: each hands its (already checked) request to the capture service, and
// a core without one (a headless host with nothing to capture) answers them 'unsupported'.
import { ApiError, type API_REQUEST_SCHEMAS, type ApiResults } from '../../contract/api.js';
import type { CaptureService } from '../capture/capture-service.js';

type CaptureMethod = 'captureInput' | 'saveCapture' | 'cancelCapture';
type Params<M extends CaptureMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type CaptureHandlers = { [M in CaptureMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

export function createCaptureHandlers(capture: CaptureService | undefined): CaptureHandlers {
  const service = (): CaptureService => {
    if (!capture) throw new ApiError('unsupported', 'screen capture needs the ClipShot desktop app; this instance has no screen');
    return capture;
  };
  return {
    captureInput: ({ captureId }) => service().input(captureId),
    saveCapture: (request) => service().save(request),
    cancelCapture: ({ captureId }) => {
      service().cancel(captureId);
      return null;
    },
  };
}
