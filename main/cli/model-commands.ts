import path from 'node:path';
import readline from 'node:readline/promises';
import { bytesText } from '../ai/models/bytes-text.js';
import { loadCatalog } from '../ai/models/catalog.js';
import { parseMirror } from '../ai/models/mirror.js';
import { ModelError } from '../ai/models/model-errors.js';
import { ModelStore, type ModelInfo, type ModelInstallEvent } from '../ai/models/model-store.js';
import { defaultModelsDir } from '../ai/models/models-dir.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { UsageError } from './parse-args.js';

/** A catalog file used instead of the shipped one: an organisation's own list of models, or tests. */
export const MODELS_CATALOG_ENV = 'CLIPSHOT_MODELS_CATALOG';

interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/** `clipshot models [list|install ID|import DIR|remove ID]`: works on the models folder alone, never the library. */
export async function runModelCommand(request: CommandRequest, output: CommandOutput, terminal: Terminal = { input: process.stdin, output: process.stderr }): Promise<number> {
  const [action = 'list', argument, ...rest] = request.positionals;
  const mirror = typeof request.options.mirror === 'string' ? request.options.mirror : undefined;
  if (mirror !== undefined) {
    try {
      parseMirror(mirror);
    } catch (error) {
      throw new UsageError(`models: --mirror: ${(error as Error).message}`);
    }
  }
  const catalogFile = process.env[MODELS_CATALOG_ENV];
  const store = new ModelStore({ dir: defaultModelsDir(), catalog: catalogFile ? loadCatalog(catalogFile) : loadCatalog(), ...(mirror !== undefined && { mirror }) });
  const json = request.options.json === true;
  const needs = (what: string) => {
    if (argument === undefined || rest.length > 0) throw new UsageError(`models ${action}: give ${what}`);
    return argument;
  };
  switch (action) {
    case 'list':
      if (argument !== undefined) throw new UsageError('models list takes no argument');
      return listModels(store, json, output);
    case 'install':
      return installModel(store, needs('one model id (see: clipshot models list)'), request, output, terminal);
    case 'import':
      return importModels(store, path.resolve(request.cwd, needs('the folder holding the model files')), json, output);
    case 'remove': {
      const result = await store.remove(needs('one model id'));
      output.stdout(json ? `${JSON.stringify(result)}\n` : `removed ${result.id} (freed ${bytesText(result.freedBytes)})\n`);
      return 0;
    }
    default:
      throw new UsageError(`models: unknown action "${action}" (list, install ID, import DIR, remove ID)`);
  }
}

async function listModels(store: ModelStore, json: boolean, output: CommandOutput): Promise<number> {
  const listing = await store.list();
  if (json) {
    output.stdout(`${JSON.stringify(listing)}\n`);
    return 0;
  }
  const rows = listing.models.map((model) => [model.id, model.task, bytesText(model.sizeBytes), stateText(model), model.title]);
  const header = ['ID', 'TASK', 'SIZE', 'STATE', 'TITLE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) output.stdout(`${row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  ')}\n`);
  output.stdout(`models folder: ${listing.dir} (${bytesText(listing.diskBytes)} used)\n`);
  return 0;
}

function stateText(model: ModelInfo): string {
  switch (model.state) {
    case 'partial':
      return `partial (${bytesText(model.partialBytes)})`;
    case 'outdated':
      return `outdated (${model.installedVersion} installed)`;
    case 'not-installed':
      return 'not installed';
    default:
      return model.state;
  }
}

async function installModel(store: ModelStore, id: string, request: CommandRequest, output: CommandOutput, terminal: Terminal): Promise<number> {
  const json = request.options.json === true;
  const plan = await store.plan(id);
  const model = store.model(id);
  if (!model.bundled && plan.remainingBytes > 0 && request.options.yes !== true) {
    const question = `${plan.remainingBytes < plan.sizeBytes ? 'Resume downloading' : 'Download'} ${plan.title} (${bytesText(plan.remainingBytes)}) from ${plan.hosts.join(', ')}?`;
    if (terminal.input.isTTY !== true) throw new UsageError(`models install: ${question.replace(/\?$/, '')} needs your agreement: run again with --yes`);
    if (!(await confirm(`${question} [y/N] `, terminal))) {
      output.stderr('nothing downloaded\n');
      return 1;
    }
  }
  const aborter = new AbortController();
  const cancel = () => aborter.abort();
  process.once('SIGINT', cancel);
  const onProgress = (event: ModelInstallEvent) => {
    if (json) output.stdout(`${JSON.stringify(event)}\n`);
    else if (event.type === 'retry') output.stderr(`${output.interactive ? '\r\x1b[2K' : ''}clipshot: trying ${event.file} again (${event.attempt}): ${event.reason}\n`);
    else if (event.type === 'progress' && output.interactive) {
      output.stderr(`\r\x1b[2Kdownloading ${event.id}: ${bytesText(event.receivedBytes)} of ${bytesText(event.totalBytes)} (${Math.floor((event.receivedBytes / event.totalBytes) * 100)} %)`);
    }
  };
  try {
    const result = await store.install(id, { consent: true, signal: aborter.signal, onProgress });
    if (output.interactive && !json) output.stderr('\r\x1b[2K');
    if (json) output.stdout(`${JSON.stringify({ type: 'result', ...result })}\n`);
    else if (model.bundled) output.stdout(`${id} comes with ClipShot: ${result.dir}\n`);
    else output.stdout(`${result.alreadyInstalled ? 'already installed' : 'installed'} ${id} ${result.version} in ${result.dir}\n`);
    return 0;
  } catch (error) {
    if (output.interactive && !json) output.stderr('\r\x1b[2K');
    if (error instanceof ModelError && error.code === 'aborted') {
      output.stderr(`clipshot: install of ${id} cancelled; run it again to resume\n`);
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', cancel);
  }
}

async function importModels(store: ModelStore, source: string, json: boolean, output: CommandOutput): Promise<number> {
  const report = await store.importFrom(source);
  if (json) output.stdout(`${JSON.stringify(report)}\n`);
  else {
    for (const item of report.installed) output.stdout(`imported ${item.id} ${item.version} into ${item.dir}\n`);
    for (const id of report.alreadyInstalled) output.stdout(`${id} is already installed\n`);
    for (const problem of report.problems) output.stderr(`clipshot: ${problem.message}\n`);
  }
  if (report.problems.length > 0) return 1;
  if (report.installed.length === 0 && report.alreadyInstalled.length === 0) {
    output.stderr(`clipshot: no model files found in ${source}\n`);
    return 1;
  }
  return 0;
}

async function confirm(question: string, terminal: Terminal): Promise<boolean> {
  const prompt = readline.createInterface({ input: terminal.input, output: terminal.output });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
