// Fuzzing the parsers of what a person types or a file supplies: CLI arguments, plugin manifests,
// pairing codes, theme files and search queries. Each must answer bad input with its own typed
// error (or a typed "not ok"), never another kind of throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseThemeFile, readThemeDefinition, THEME_TOKENS } from '../../contract/themes.js';
import { COMMANDS, parseCommandLine, UsageError } from '../../main/cli/parse-args.js';
import { InvalidQueryError } from '../../main/index/errors.js';
import { toFtsMatch } from '../../main/index/fts-match.js';
import { parseClipQuery } from '../../main/index/query-options.js';
import { PluginManifestError } from '../../main/plugins/manifest/manifest-error.js';
import { parsePluginManifest } from '../../main/plugins/manifest/parse-manifest.js';
import { parsePairingCode } from '../../main/sync/pairing/pairing-code.js';
import { PairingError } from '../../main/sync/pairing/pairing-error.js';
import type { ClipQuery } from '../../contract/clips.js';
import { budget, failOnUnhandledRejections } from './fuzz-budget.js';

failOnUnhandledRejections();

/** Runs `parse`; a throw must be an instance of `expected`. */
function onlyThrows(expected: new (...args: never[]) => Error, parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(expected);
  }
}

// Words the parsers give meaning to, mixed with noise, so the fuzzer reaches past the first check.
const KEY_WORDS = [...Object.keys(COMMANDS), 'help', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '--library', '--json', '--help', '-h', '--', '-', '--limit', '--kind', '=', ''];
const argWord = fc.oneof(fc.constantFrom(...KEY_WORDS), fc.string({ maxLength: 12 }), fc.constantFrom(...KEY_WORDS).chain((word) => fc.string({ maxLength: 6 }).map((tail) => `${word}${tail}`)));

describe('fuzzing the CLI argument parser', () => {
  it('answers any argv with a parse or a UsageError', () => {
    fc.assert(
      fc.property(fc.array(argWord, { maxLength: 8 }), (argv) => onlyThrows(UsageError, () => parseCommandLine(argv, '/tmp'))),
      budget(3000),
    );
  });

  it('knows no command that is only a property every object has', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => parseCommandLine([name], '/tmp')).toThrow(UsageError);
    }
  });
});

const manifestShaped = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constant('clipshot-plugin-x'), fc.anything()),
    version: fc.oneof(fc.constantFrom('1.0.0', '0.0.1-beta', 'x'), fc.anything()),
    description: fc.anything(),
    engines: fc.oneof(fc.record({ clipshot: fc.oneof(fc.constantFrom('^0.1.0', '*', '>=99'), fc.anything()) }), fc.anything()),
    clipshot: fc.oneof(
      fc.record(
        {
          id: fc.oneof(fc.constantFrom('x', 'com.example.x', '../x', ''), fc.string()),
          apiVersion: fc.oneof(fc.constantFrom(1, 2), fc.anything()),
          main: fc.oneof(fc.constantFrom('index.js', '../../etc/passwd', '/abs.js', 'a\\..\\b.js'), fc.string()),
          permissions: fc.oneof(fc.array(fc.oneof(fc.constantFrom('clips:read', 'net:example.com', 'net:*', 'net:', 'blobs:read'), fc.string())), fc.anything()),
          activationEvents: fc.anything(),
          contributes: fc.anything(),
          dependencies: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
  },
  { requiredKeys: [] },
);

describe('fuzzing the plugin manifest parser', () => {
  it('answers any package.json with a manifest or a PluginManifestError', () => {
    fc.assert(fc.property(fc.oneof(manifestShaped, fc.anything()), (raw) => onlyThrows(PluginManifestError, () => parsePluginManifest(raw))), budget(1500));
  });
});

describe('fuzzing the pairing code parser', () => {
  it('answers any text with 8 digits or a PairingError', () => {
    const codeLike = fc.array(fc.constantFrom('0', '5', '9', '-', ' ', '\u2013', '\u00a0', 'a', '٣', '\n'), { maxLength: 14 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(codeLike, fc.string(), fc.anything()), (text) => {
        try {
          expect(parsePairingCode(text as string)).toMatch(/^[0-9]{8}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(PairingError);
        }
      }),
      budget(3000),
    );
  });
});

describe('fuzzing the theme parser', () => {
  const tokens = fc.dictionary(fc.oneof(fc.constantFrom(...THEME_TOKENS), fc.string()), fc.oneof(fc.constantFrom('#fff', '#123456', 'red', 'url(x)', 'rgb(1 2 3)'), fc.anything()));
  const themeShaped = fc.record({ name: fc.anything(), base: fc.oneof(fc.constantFrom('light', 'dark'), fc.anything()), tokens: fc.oneof(tokens, fc.anything()) }, { requiredKeys: [] });
  it('answers any text with a theme or a list of errors, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(themeShaped.map((theme) => JSON.stringify(theme) ?? ''), fc.string(), fc.json()), (text) => {
        const parsed = parseThemeFile(text);
        if (!parsed.ok) expect(parsed.errors.length).toBeGreaterThan(0);
      }),
      budget(1500),
    );
    fc.assert(fc.property(fc.oneof(themeShaped, fc.anything()), (raw) => {
      expect(typeof readThemeDefinition(raw).ok).toBe('boolean');
    }), budget(1500));
  });
});

describe('fuzzing the search query parser', () => {
  it('turns any text into a quoted MATCH expression or an InvalidQueryError', () => {
    const queryText = fc.array(fc.oneof(fc.constantFrom('AND', 'OR', 'NOT', 'NEAR(', '"', '*', 'title:', '^', '(', ')', ' ', '\t'), fc.string({ maxLength: 8 })), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(queryText, fc.string()), (text) => {
        try {
          // Every word is a quoted phrase: nothing the person typed is read as FTS5 syntax.
          expect(toFtsMatch(text)).toMatch(/^("([^"]|"")*"\*? ?)+$/u);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidQueryError);
        }
      }),
      budget(3000),
    );
  });

  it('answers any query object with options or an InvalidQueryError', () => {
    const queryShaped = fc.record(
      {
        text: fc.string(),
        kind: fc.oneof(fc.constantFrom('image', 'video', 'text'), fc.anything()),
        from: fc.oneof(fc.integer(), fc.double(), fc.anything()),
        to: fc.oneof(fc.integer(), fc.anything()),
        limit: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.anything()),
        offset: fc.oneof(fc.nat(), fc.anything()),
        cursor: fc.oneof(fc.string(), fc.base64String(), fc.anything()),
        orderBy: fc.oneof(fc.constantFrom('captured', 'title', 'size', 'imported'), fc.anything()),
        sort: fc.oneof(fc.constantFrom('newest', 'oldest'), fc.anything()),
        direction: fc.oneof(fc.constantFrom('asc', 'desc'), fc.anything()),
        tags: fc.anything(),
        trash: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(fc.oneof(queryShaped, fc.anything()), (query) => onlyThrows(InvalidQueryError, () => parseClipQuery(query as ClipQuery))), budget(2000));
  });
});
