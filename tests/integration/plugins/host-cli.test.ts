// `clipshot run` and `clipshot plugin dev` through the real CLI: a library of its own, a running
// `serve` (the command reaches it through the control socket), and the dev loop.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, runCli, startCli, waitForLine } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { installTestPlugin, testManifest, writePluginFolder } from '../../helpers/test-plugins.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const NOTES_SOURCE = `export default { commands: {
  'test.notes.add': async (args, host) => host.clips.createText({ text: args.text, tags: args.tags ?? [] }),
  'test.notes.count': async (_args, host) => (await host.clips.list({ limit: 200 })).clips.length,
  'test.notes.hello': (args) => 'hello ' + (args.name ?? 'nobody'),
} };`;

async function setUp(): Promise<{ library: string; env: Record<string, string> }> {
  const root = await tempDir();
  const library = path.join(root, 'library');
  const pluginsDir = path.join(root, 'plugins');
  await installTestPlugin(pluginsDir, { id: 'test.notes', permissions: ['clips:read', 'clips:write'], commands: ['test.notes.add', 'test.notes.count', 'test.notes.hello'], source: NOTES_SOURCE });
  const env = { CLIPSHOT_PLUGINS_DIR: pluginsDir };
  const note = path.join(root, 'note.txt');
  await fs.writeFile(note, 'a first note');
  expect((await runCli(['--library', library, 'import', note], { env })).code).toBe(0);
  return { library, env };
}

describe('clipshot run', () => {
  it('runs an installed plugin\'s command against the library and prints its result', async () => {
    const { library, env } = await setUp();
    const added = await runCli(['--library', library, 'run', 'test.notes.add', 'text=made by a plugin', 'tags=["from-plugin"]', '--json'], { env });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const clip = JSON.parse(added.stdout) as { id: string; text: string; tags: string[] };
    expect(clip).toMatchObject({ kind: 'text', text: 'made by a plugin', tags: ['from-plugin'] });
    const listed = await runCli(['--library', library, 'list', '--json'], { env });
    expect(listed.stdout).toContain(clip.id);

    expect(await runCli(['--library', library, 'run', 'test.notes.count'], { env })).toMatchObject({ code: 0, stdout: '2\n' });
    expect(await runCli(['--library', library, 'run', 'test.notes.hello', '{"name":"Ada"}'], { env })).toMatchObject({ code: 0, stdout: 'hello Ada\n' });

    const unknown = await runCli(['--library', library, 'run', 'test.nothing'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no installed plugin contributes the command "test.nothing"');
    const badArgs = await runCli(['--library', library, 'run', 'test.notes.hello', 'not-json'], { env });
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain('is neither JSON nor key=value');
  });

  it('runs through a running instance, over the control socket', async () => {
    const { library, env } = await setUp();
    const serve = startCli(['--library', library, 'serve', '--port', '0', '--no-sync', '--no-discovery', '--no-analysis'], { env });
    children.push(serve);
    await waitForLine(serve, /^Open http/);
    const added = await runCli(['--library', library, 'run', 'test.notes.add', 'text=while serving', '--json'], { env });
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ text: 'while serving' });
    expect(await runCli(['--library', library, 'run', 'test.notes.count'], { env })).toMatchObject({ code: 0, stdout: '2\n' });
  });
});

describe('clipshot plugin dev', () => {
  it('reloads the plugin on change, keeping its state, and serves `run` meanwhile', async () => {
    const { library, env } = await setUp();
    const dir = path.join(await tempDir(), 'counter');
    const manifest = testManifest({ id: 'test.counter', commands: ['test.counter.increment'] });
    const source = (label: string) => `let count = 0;
      export default {
        activate(_host, state) { count = state?.count ?? 0; },
        deactivate: () => ({ count }),
        commands: { 'test.counter.increment': () => '${label} ' + ++count },
      };`;
    await writePluginFolder(dir, manifest, source('v1'));
    const dev = startCli(['--library', library, 'plugin', 'dev', dir], { env });
    children.push(dev);
    const output = collect(dev);
    await waitForLine(dev, /^loaded test\.counter 1\.0\.0 \(watching for changes\)$/);
    expect(await runCli(['--library', library, 'run', 'test.counter.increment'], { env })).toMatchObject({ code: 0, stdout: 'v1 1\n' });
    expect(await runCli(['--library', library, 'run', 'test.counter.increment'], { env })).toMatchObject({ code: 0, stdout: 'v1 2\n' });
    const reloaded = waitForLine(dev, /reload 1\)$/);
    await fs.writeFile(path.join(dir, 'index.js'), source('v2'));
    await reloaded;
    expect(await runCli(['--library', library, 'run', 'test.counter.increment'], { env })).toMatchObject({ code: 0, stdout: 'v2 3\n' });
    dev.kill('SIGINT');
    expect((await output).code).toBe(0);
  });
});
