import { z } from 'zod';
import { PLUGIN_PIXELS_MAX_SIDE, type PluginApiMethod, type PluginApiParams } from '../../../contract/plugins.js';

export const MAX_PAGE = 200;
const clipId = z.string().min(1).max(64);
const tag = z.string().trim().min(1).max(100);
const text = z.string().max(1_000_000);

/** The params of every host method, checked before the method runs ('invalid-params' otherwise). */
export const API_PARAM_SCHEMAS: { [M in PluginApiMethod]: z.ZodType<PluginApiParams[M]> } = {
  'clips.list': z.strictObject({ limit: z.number().int().min(1).max(MAX_PAGE).optional(), cursor: z.string().max(1_000).nullable().optional() }),
  'clips.get': z.strictObject({ id: clipId }),
  'clips.search': z.strictObject({ query: z.string().min(1).max(1_000), limit: z.number().int().min(1).max(MAX_PAGE).optional() }),
  'clips.createText': z.strictObject({ text: text.min(1), title: z.string().max(500).optional(), tags: z.array(tag).max(50).optional() }),
  'clips.update': z.strictObject({ id: clipId, changes: z.strictObject({ title: z.string().max(500).optional(), notes: z.string().max(100_000).optional() }) }),
  'clips.addTags': z.strictObject({ id: clipId, tags: z.array(tag).min(1).max(50) }),
  'blobs.read': z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex') }),
  'blobs.readPixels': z.strictObject({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lower-case hex'), maxSide: z.number().int().min(1).max(PLUGIN_PIXELS_MAX_SIDE).optional() }),
  'net.fetch': z.strictObject({
    url: z.string().min(1).max(8_000),
    init: z
      .strictObject({
        method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
        headers: z.record(z.string().min(1).max(200), z.string().max(8_000)).optional(),
        body: z.string().max(1_000_000).optional(),
      })
      .optional(),
  }),
  'clipboard.writeText': z.strictObject({ text }),
  'ui.showPanel': z.strictObject({ panelId: z.string().min(1).max(200), data: z.unknown().optional() }),
  'storage.get': z.strictObject({ key: z.string().min(1).max(200) }),
  'storage.set': z.strictObject({ key: z.string().min(1).max(200), value: z.unknown() }),
};
