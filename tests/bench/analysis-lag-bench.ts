// How much background analysis costs the main process: its event-loop delay (p99) while 200
// screenshots are analysed by the worker, as the app's main process would feel it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startAnalysis } from '../../main/ai/analysis/start-analysis.js';
import { ForkLauncher } from '../../main/ai/worker/fork-launcher.js';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { renderTextLines } from '../helpers/ocr-images.js';

const CLIPS = 200;
const WORDS = ['error', 'invoice', 'deploy', 'meeting', 'total', 'server', 'build', 'report', 'update', 'design', 'review', 'payment'];

export async function benchAnalysisLag(): Promise<Record<string, number>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-analysis-bench-'));
  try {
    const inbox = path.join(work, 'inbox');
    await fs.mkdir(inbox);
    for (let index = 0; index < CLIPS; index++) {
      const lines = [0, 1, 2].map((line) => `${WORDS[(index + line) % WORDS.length]} ${WORDS[(index * 7 + line) % WORDS.length]} number ${index * 3 + line}`);
      const { image } = await renderTextLines(lines, { width: 1280, fontSize: 22 });
      await fs.writeFile(path.join(inbox, `shot-${index}.png`), image.encoded.bytes);
    }
    const library = await Library.create(path.join(work, 'library'), { secretStore: new MemorySecretStore() });
    const analysis = await startAnalysis(library, { launcher: new ForkLauncher(path.join(REPO_ROOT, 'out', 'main', 'ai', 'worker', 'analysis-worker.js')) });
    try {
      await analysis.pause();
      await importFiles(library, [inbox]);
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const started = performance.now();
      await analysis.resume();
      await analysis.settled();
      const seconds = (performance.now() - started) / 1000;
      delay.disable();
      const progress = analysis.progress();
      if (progress.analysed !== CLIPS) throw new Error(`analysed ${progress.analysed} of ${CLIPS} clips (${progress.failed} failed, ${progress.crashed} crashed)`);
      return {
        background_clips: CLIPS,
        background_analysis_s: round(seconds),
        background_ms_per_clip: round((seconds * 1000) / CLIPS),
        main_event_loop_lag_p99_ms: round(delay.percentile(99) / 1e6),
        main_event_loop_lag_max_ms: round(delay.max / 1e6),
      };
    } finally {
      await analysis.close();
      await library.close();
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
