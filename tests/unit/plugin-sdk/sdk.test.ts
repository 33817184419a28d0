// The SDK plugin authors get (plugins/sdk): its types are ClipShot's contract, checked by the
// TypeScript compiler (and shown to catch a drift); its constants are the contract's; definePlugin
// refuses a wrongly shaped module in words, naming each mistake.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import * as contract from '../../../contract/plugins.js';
import * as sdk from '../../../plugins/sdk/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const sdkTypes = path.join(root, 'plugins/sdk/index.d.ts');
const checkFile = path.join(import.meta.dirname, 'sdk-matches-contract.ts');

const compilerOptions: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] };
const compilerHost = ts.createCompilerHost(compilerOptions);
// The standard library's declarations are parsed once for every check (most of each check's time).
const parsed = new Map<string, ts.SourceFile | undefined>();

/** Type-checks the comparison file, with the SDK's index.d.ts replaced by `sdkText` when given. */
function typeErrors(sdkText?: string): string[] {
  const host: ts.CompilerHost = {
    ...compilerHost,
    readFile: (file) => (sdkText !== undefined && path.resolve(file) === sdkTypes ? sdkText : compilerHost.readFile(file)),
    getSourceFile: (file, language) => {
      if (path.resolve(file) === sdkTypes) return ts.createSourceFile(file, sdkText ?? fs.readFileSync(sdkTypes, 'utf8'), language);
      if (!parsed.has(file)) parsed.set(file, compilerHost.getSourceFile(file, language));
      return parsed.get(file);
    },
  };
  const program = ts.createProgram([checkFile], compilerOptions, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('the SDK’s types', () => {
  const original = fs.readFileSync(sdkTypes, 'utf8');

  test('are exactly the contract’s', () => {
    expect(typeErrors()).toEqual([]);
  });

  test('a drift fails the check: a field gone, a field of another type, a host method more', () => {
    const drifts = [
      original.replace('  height: number | null;\n', ''),
      original.replace("kinds: ('image' | 'video' | 'text')[];", 'kinds: string[];'),
      original.replace('    writeText(text: string): Promise<void>;\n', '    writeText(text: string): Promise<void>;\n    readText(): Promise<string>;\n'),
      original.replace("readonly 'storage.set': null;", "readonly 'storage.set': 'clips:write';"),
    ];
    for (const drifted of drifts) {
      expect(drifted).not.toBe(original);
      expect(typeErrors(drifted).join('\n')).toMatch(/does not satisfy the constraint 'true'/);
    }
  });
});

describe('the SDK’s constants', () => {
  test('are the contract’s', () => {
    expect(sdk.PLUGIN_API_VERSION).toBe(contract.PLUGIN_API_VERSION);
    expect(sdk.PLUGIN_API_PERMISSIONS).toEqual(contract.PLUGIN_API_PERMISSIONS);
    expect(sdk.FIXED_PLUGIN_PERMISSIONS).toEqual(contract.FIXED_PLUGIN_PERMISSIONS);
    expect(sdk.PLUGIN_ERROR_CODES).toEqual(contract.PLUGIN_ERROR_CODES);
    expect(sdk.PLUGIN_PIXELS_MAX_SIDE).toBe(contract.PLUGIN_PIXELS_MAX_SIDE);
    expect(sdk.PLUGIN_PIXELS_DEFAULT_SIDE).toBe(contract.PLUGIN_PIXELS_DEFAULT_SIDE);
    expect(sdk.PLUGIN_PANEL_DATA_MESSAGE).toBe(contract.PLUGIN_PANEL_DATA_MESSAGE);
  });

  test('cannot be changed by a plugin', () => {
    expect(() => (sdk.FIXED_PLUGIN_PERMISSIONS as unknown as string[]).push('net:*')).toThrow(TypeError);
    expect(Object.isFrozen(sdk.PLUGIN_API_PERMISSIONS)).toBe(true);
  });
});

describe('definePlugin', () => {
  const run = (_args: unknown) => 'ran';

  test('gives a well-formed module back unchanged', () => {
    const module = { activate: () => undefined, deactivate: () => ({ count: 1 }), commands: { 'acme.tools.run': run }, analyzers: {}, exporters: { 'acme.tools.html': () => ({ fileName: 'a.html', content: '' }) } };
    expect(sdk.definePlugin(module)).toBe(module);
    expect(sdk.definePlugin({ activate: () => undefined })).toBeTruthy();
    expect(sdk.definePlugin(Object.assign(Object.create(null) as object, { commands: { 'acme.tools.run': run } }))).toBeTruthy();
  });

  const refusals: [string, unknown, string][] = [
    ['not an object', 'index.js', 'definePlugin: give an object with activate, deactivate, commands, exporters, importers or analyzers; got a string'],
    ['null', null, 'definePlugin: give an object with activate, deactivate, commands, exporters, importers or analyzers; got null'],
    ['an array', [run], 'got an array'],
    ['a class instance', new (class Tools {})(), 'got an instance of Tools (give a plain object)'],
    ['a misspelt member', { command: { 'acme.tools.run': run } }, 'definePlugin: "command" is not part of a plugin module (did you mean "commands"?); a module has activate, deactivate, commands, exporters, importers or analyzers'],
    ['an unknown member', { panels: {}, activate: run }, '"panels" is not part of a plugin module; a module has'],
    ['a hook that is no function', { activate: true }, 'definePlugin: activate must be a function; it is a boolean'],
    ['a group that is a function', { commands: run }, 'definePlugin: commands must be an object of contribution id → function, like { "acme.tools.command": (input, host) => … }; it is a function'],
    ['a group that is an array', { analyzers: [run] }, 'analyzers must be an object of contribution id → function, like { "acme.tools.analyzer": (input, host) => … }; it is an array'],
    ['a handler that is no function', { exporters: { 'acme.tools.html': 'gallery.html' } }, 'definePlugin: exporters["acme.tools.html"] must be a function; it is a string'],
    ['an id with a space', { commands: { 'acme tools': run } }, 'definePlugin: commands["acme tools"]: a contribution id is the manifest\'s, "<plugin id>.<name>", without spaces'],
    ['nothing at all', {}, 'definePlugin: the module does nothing: give activate, or at least one command, exporter, importer or analyzer'],
    ['empty groups', { commands: {}, importers: {} }, 'the module does nothing'],
  ];
  test.each(refusals)('refuses %s in words', (_name, module, message) => {
    const attempt = () => sdk.definePlugin(module as never);
    expect(attempt).toThrow(sdk.PluginDefinitionError);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(message);
  });

  test('names every mistake at once', () => {
    let error: unknown;
    try {
      sdk.definePlugin({ activate: 1, commands: { 'acme.tools.a': run, 'acme.tools.b': null }, analyser: {} } as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(sdk.PluginDefinitionError);
    const problems = (error as InstanceType<typeof sdk.PluginDefinitionError>).problems;
    expect(problems).toEqual([
      '"analyser" is not part of a plugin module (did you mean "analyzers"?); a module has activate, deactivate, commands, exporters, importers or analyzers',
      'activate must be a function; it is a number',
      'commands["acme.tools.b"] must be a function; it is null',
    ]);
    expect((error as Error).message).toBe(`definePlugin found 3 problems:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
  });
});
