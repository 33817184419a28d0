import semver from 'semver';
import { z } from 'zod';
import { PLUGIN_API_VERSION } from '../../../contract/plugins.js';
import { parseShortcut, shortcutRefusal } from '../../../contract/shortcut-spec.js';
import { permissionProblem } from './permissions.js';
import { pathProblem } from './plugin-paths.js';

// The shape of a plugin's package.json, field by field. Each field carries its own plain-words
// message, so that a manifest with several mistakes is answered with all of them; checks that
// relate fields to each other are in manifest-rules.ts.

/** The plugin API versions this ClipShot can host (a later one may keep hosting older ones). */
export const SUPPORTED_API_VERSIONS: readonly number[] = [PLUGIN_API_VERSION];

const PLUGIN_ID = /^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+$/;
const MAX_PLUGIN_ID = 100;
/** npm's rules for a package name: lower-case, URL-safe, optionally scoped, at most 214 characters. */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const EXTENSION = /^[a-z0-9][a-z0-9_-]{0,15}$/;

export function pluginIdProblem(value: string): string | null {
  if (value.length <= MAX_PLUGIN_ID && PLUGIN_ID.test(value)) return null;
  return `${JSON.stringify(value)} is not a plugin id; expected lower-case words of letters, digits and "-" joined by dots, at least two (publisher.name), e.g. "acme.gallery-exporter"`;
}

/** A string checked by `problem` (null: fine); `expected` says what a missing or non-string value should have been. */
function checkedString(expected: string, problem: (value: string) => string | null) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `is missing; expected ${expected}` : `must be a string: ${expected}`) })
    .superRefine((value, ctx) => {
      const message = problem(value);
      if (message !== null) ctx.addIssue({ code: 'custom', message });
    });
}

function title(what: string) {
  return checkedString(`a short ${what} shown to people`, (value) => (value.trim() === '' ? `must not be empty; expected a short ${what} shown to people` : null));
}

const semverVersion = checkedString('a semver version, e.g. "1.0.0"', (value) =>
  semver.valid(value) === value ? null : `${JSON.stringify(value)} is not a semver version; expected e.g. "1.0.0" or "2.1.0-beta.1"`,
);

function semverRange(what: string) {
  return checkedString(`${what}, a semver range such as "^1.2.0"`, (value) =>
    value.trim() !== '' && semver.validRange(value) !== null ? null : `${JSON.stringify(value)} is not a semver range; expected ${what}, e.g. "^1.2.0" or ">=1.0.0 <3"`,
  );
}

const pluginPath = (what: string, example: string) => checkedString(`${what}, a path inside the plugin's folder`, (value) => pathProblem(value, what, example));

const contributionBase = { id: z.string({ error: (issue) => (issue.input === undefined ? 'is missing; expected "<plugin id>.<name>"' : 'must be a string: "<plugin id>.<name>"') }), title: title('title') };

const keyboardShortcut = checkedString('a shortcut such as "Mod+Shift+P"', (value) => {
  try {
    const refusal = shortcutRefusal(parseShortcut(value));
    return refusal === null ? null : `${JSON.stringify(value)}: ${refusal}`;
  } catch (error) {
    return `${(error as Error).message}; expected a shortcut such as "Mod+Shift+P" (modifiers Mod, Ctrl, Alt, Shift)`;
  }
});

function list<T extends z.ZodType>(item: T) {
  return z.array(item, { error: 'must be a list (JSON array)' }).optional().default([]);
}

const contributesSchema = z
  .strictObject(
    {
      commands: list(z.strictObject(contributionBase)),
      importers: list(
        z.strictObject({
          ...contributionBase,
          extensions: z
            .array(checkedString('a file extension', (value) => (EXTENSION.test(value) ? null : `${JSON.stringify(value)} is not a file extension; expected lower case without the dot, e.g. "md"`)), {
              error: 'must be a list of file extensions, e.g. ["md", "txt"]',
            })
            .min(1, { error: 'must name at least one file extension' }),
        }),
      ),
      exporters: list(
        z.strictObject({
          ...contributionBase,
          extension: checkedString('a file extension', (value) => (EXTENSION.test(value) ? null : `${JSON.stringify(value)} is not a file extension; expected lower case without the dot, e.g. "html"`)),
        }),
      ),
      analyzers: list(
        z.strictObject({
          ...contributionBase,
          kinds: z.array(z.enum(['image', 'video', 'text'], { error: 'expected "image", "video" or "text"' }), { error: 'must be a list of clip kinds' }).min(1, { error: 'must name at least one clip kind: "image", "video" or "text"' }),
        }),
      ),
      panels: list(z.strictObject({ ...contributionBase, entry: pluginPath('the panel\'s HTML file', 'panel/index.html') })),
      themes: list(z.strictObject({ ...contributionBase, path: pluginPath('the theme\'s JSON file', 'themes/dark.json') })),
      keybindings: list(
        z.strictObject({
          command: z.string({ error: (issue) => (issue.input === undefined ? 'is missing; expected the id of one of this plugin\'s commands' : 'must be a string: a command id') }),
          key: keyboardShortcut,
        }),
      ),
    },
    { error: 'must be an object with any of: commands, importers, exporters, analyzers, panels, themes, keybindings' },
  )
  .optional()
  .default({ commands: [], importers: [], exporters: [], analyzers: [], panels: [], themes: [], keybindings: [] });

const clipshotSchema = z.strictObject(
  {
    id: checkedString('the plugin id, e.g. "acme.gallery-exporter"', pluginIdProblem),
    displayName: title('name').optional(),
    apiVersion: z
      .number({ error: (issue) => (issue.input === undefined ? `is missing; expected the plugin API version it was written for (${SUPPORTED_API_VERSIONS.join(' or ')})` : `must be a number: the plugin API version (${SUPPORTED_API_VERSIONS.join(' or ')})`) })
      .superRefine((value, ctx) => {
        if (!SUPPORTED_API_VERSIONS.includes(value)) ctx.addIssue({ code: 'custom', message: `plugin API version ${value} is not supported by this ClipShot; expected ${SUPPORTED_API_VERSIONS.join(' or ')}` });
      }),
    main: pluginPath('the entry module', 'dist/index.js').optional(),
    permissions: list(checkedString('a permission', permissionProblem)),
    dependencies: z
      .record(z.string(), semverRange('the versions of that plugin it works with'), { error: 'must be an object of plugin id → semver range, e.g. { "acme.base": "^1.0.0" }' })
      .optional()
      .default({}),
    activationEvents: list(z.string({ error: 'must be a string such as "onStartup" or "onCommand:<command id>"' })),
    contributes: contributesSchema,
  },
  { error: (issue) => (issue.input === undefined ? 'is missing: a ClipShot plugin\'s package.json needs a "clipshot" object (id, apiVersion, permissions, contributes …)' : 'must be an object') },
);

export const packageJsonSchema = z.object(
  {
    name: checkedString('the npm package name', (value) =>
      value.length <= 214 && PACKAGE_NAME.test(value) ? null : `${JSON.stringify(value)} is not an npm package name; expected lower case letters, digits, "-", "." or "_", optionally scoped ("@scope/name")`,
    ),
    version: semverVersion,
    description: z.string({ error: 'must be a string' }).optional(),
    engines: z.object(
      { clipshot: semverRange('the ClipShot versions it works with') },
      { error: (issue) => (issue.input === undefined ? 'is missing; expected { "clipshot": "<semver range>" }, e.g. { "clipshot": "^0.1.0" }' : 'must be an object such as { "clipshot": "^0.1.0" }') },
    ),
    clipshot: clipshotSchema,
  },
  { error: 'must be a JSON object (the contents of package.json)' },
);

export type PackageJson = z.output<typeof packageJsonSchema>;
