// @clipshot/plugin-sdk: definePlugin and the constants of the plugin API. The types are in
// index.d.ts; they follow ClipShot's contract (contract/plugins.ts), which a test keeps them to.
export { definePlugin, PluginDefinitionError } from './define-plugin.js';

/** The version of the plugin API this SDK describes; a manifest's `apiVersion`. */
export const PLUGIN_API_VERSION = 1;

/** Permissions with a fixed name; `net:<host>` is the one pattern. */
export const FIXED_PLUGIN_PERMISSIONS = Object.freeze(['clips:read', 'clips:write', 'blobs:read', 'ui:panel', 'clipboard']);

/** Every host method and the permission it needs ('net': a `net:<host>` for the URL's host; null: none). */
export const PLUGIN_API_PERMISSIONS = Object.freeze({
  'clips.list': 'clips:read',
  'clips.get': 'clips:read',
  'clips.search': 'clips:read',
  'clips.createText': 'clips:write',
  'clips.update': 'clips:write',
  'clips.addTags': 'clips:write',
  'blobs.read': 'blobs:read',
  'blobs.readPixels': 'blobs:read',
  'net.fetch': 'net',
  'clipboard.writeText': 'clipboard',
  'ui.showPanel': 'ui:panel',
  'storage.get': null,
  'storage.set': null,
});

/** The `code` of an error the host answers a call with. */
export const PLUGIN_ERROR_CODES = Object.freeze(['permission-denied', 'invalid-params', 'unknown-method', 'timeout', 'rate-limited', 'not-found', 'plugin-failed', 'host-error']);

/** blobs.readPixels scales an image down so that its longer side is at most this (64 unless asked). */
export const PLUGIN_PIXELS_MAX_SIDE = 512;
export const PLUGIN_PIXELS_DEFAULT_SIDE = 64;

/** The message a plugin panel's page receives (window 'message' event) with the data of ui.showPanel. */
export const PLUGIN_PANEL_DATA_MESSAGE = 'clipshot:panel-data';
