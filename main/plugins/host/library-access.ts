import type { PluginClip, PluginPixels } from '../../../contract/plugins.js';

/**
 * What plugins may do with the library, whatever holds it open (the CLI's own Library, `serve`,
 * the desktop app). The host checks permissions and params before any of these is called; an
 * implementation refuses with PluginError ('not-found', 'invalid-params'). Trashed clips do not
 * exist for plugins.
 */
export interface PluginLibraryAccess {
  list(params: { limit: number; cursor: string | null }): Promise<{ clips: PluginClip[]; next: string | null }>;
  get(id: string): Promise<PluginClip>;
  search(query: string, limit: number): Promise<PluginClip[]>;
  /** `pluginId` is recorded as the clip's source. A text already in the library returns that clip. */
  createText(pluginId: string, params: { text: string; title?: string; tags?: string[] }): Promise<PluginClip>;
  update(id: string, changes: { title?: string; notes?: string }): Promise<PluginClip>;
  addTags(id: string, tags: string[]): Promise<PluginClip>;
  /** The bytes of a blob some clip refers to (an original or a thumbnail), up to `maxBytes`. */
  readBlob(hash: string, maxBytes: number): Promise<Uint8Array>;
  /** A blob's image decoded to RGBA and scaled down to fit `maxSide` (plugin processes have no image decoders). */
  readPixels(hash: string, maxSide: number, maxBytes: number): Promise<PluginPixels>;
}
