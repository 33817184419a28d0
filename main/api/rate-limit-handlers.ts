// The API's rate limit settings: what Settings → Security → Limits reads and changes.
import type { API_REQUEST_SCHEMAS, ApiResults } from '../../contract/api.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';

type LimitMethod = 'rateLimits' | 'changeRateLimits';
type Params<M extends LimitMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type RateLimitHandlers = { [M in LimitMethod]: (params: Params<M>) => Promise<ApiResults[M]> | ApiResults[M] };

export function createRateLimitHandlers(policy: RateLimitPolicy): RateLimitHandlers {
  return {
    rateLimits: () => policy.view(),
    changeRateLimits: (change) => policy.change(change),
  };
}
