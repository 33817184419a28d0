import { inject, type InjectionKey } from 'vue';
import type { ClipShotApi } from '../../../contract/api.js';

export const API_KEY: InjectionKey<ClipShotApi> = Symbol('clipshot-api');

/** The core's API, whichever transport carries it (provided once by main.ts). */
export function useApi(): ClipShotApi {
  const api = inject(API_KEY);
  if (!api) throw new Error('useApi() needs the API provided by the app (API_KEY)');
  return api;
}
