import type { WebSocket } from 'ws';
import { apiRequestMessageSchema, ApiError, type ApiServerMessage } from '../../contract/api.js';
import type { ApiService } from '../api/api-service.js';
import { rateLimitedApiError } from '../api/api-errors.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';

/** The largest request: a 16 MB text clip plus its envelope. */
export const MAX_API_MESSAGE_BYTES = 17 * 1024 * 1024;
/** Past this much unsent data a slow client misses change notices (it refreshes on the next one). */
const MAX_BUFFERED_EVENT_BYTES = 4 * 1024 * 1024;

let sessionCount = 0;

/**
 * One browser tab's API connection: requests in, results and events out, its session closed with
 * it. Requests over the session's budget are answered 'rate-limited' with the wait; the connection
 * stays open (a burst from a busy window is not an attack, and a script gets told when to retry).
 */
export function attachApiSocket(socket: WebSocket, service: ApiService, limits: RateLimitPolicy): void {
  const session = service.openSession();
  const sessionKey = `serve-session-${++sessionCount}`;
  const limiter = limits.limiter('serve-api');
  const send = (message: ApiServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const stopEvents = service.onEvent((event) => {
    if (event.type === 'library-changed' && socket.bufferedAmount > MAX_BUFFERED_EVENT_BYTES) return;
    send({ event });
  });
  socket.on('message', (data, isBinary) => {
    void answer(data.toString(), isBinary);
  });
  socket.on('close', () => {
    stopEvents();
    session.close();
    limiter.forget(sessionKey);
  });

  async function answer(text: string, isBinary: boolean): Promise<void> {
    let request;
    try {
      if (isBinary) throw new ApiError('invalid-request', 'API messages are JSON text');
      const parsed = apiRequestMessageSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new ApiError('invalid-request', 'an API message is {"id": number, "method": string, "params": ...}');
      request = parsed.data;
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('invalid-request', 'the message is not JSON');
      send({ id: -1, error: apiError.toJSON() });
      return;
    }
    const admission = limiter.admit(sessionKey);
    if (!admission.ok) {
      limits.tripped({ limit: 'serve-api', key: sessionKey, actor: { type: 'device', id: sessionKey }, action: 'refused', retryAfterMs: admission.retryAfterMs });
      send({ id: request.id, error: rateLimitedApiError(admission.retryAfterMs).toJSON() });
      return;
    }
    try {
      send({ id: request.id, result: (await session.dispatch(request.method, request.params)) ?? null });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('internal', String(error));
      send({ id: request.id, error: apiError.toJSON() });
    }
  }
}
