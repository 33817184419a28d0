import type { FrameRecognition, Recognition, SuggestedTag } from '../../../contract/analysis.js';
import type { LibraryDatabase } from '../../library/database.js';

/** Higher runs first: a clip on screen, then a new clip, then the backlog. */
export const JOB_PRIORITY = { backlog: 0, new: 1, visible: 2 } as const;
export type JobPriority = keyof typeof JOB_PRIORITY;

export type JobState = 'queued' | 'failed' | 'crashed';

export interface AnalysisJob {
  clipId: string;
  priority: number;
  /** Newer clips first within one priority: the clip's import time. */
  orderKey: number;
  attempts: number;
  crashes: number;
  state: JobState;
  error: string | null;
  /** What was to be analysed when queued (ClipAnalysisSummary.input). */
  input: string;
}

/** Everything analysis found in a clip, as this device computed it (boxes included). */
export interface StoredAnalysis {
  clipId: string;
  input: string;
  models: string;
  analysedAt: number;
  recognition: Recognition | null;
  frames: FrameRecognition[];
  tags: SuggestedTag[];
}

export interface NewJob {
  clipId: string;
  priority: number;
  orderKey: number;
  /** What would be analysed (ClipAnalysisSummary.input). */
  input: string;
}

interface JobRow {
  input: string;
  clip_id: string;
  priority: number;
  order_key: number;
  attempts: number;
  crashes: number;
  state: JobState;
  error: string | null;
}

/**
 * The analysis queue and results, in the library's encrypted database. Both are this device's
 * own: the queue is its work, and the full results (boxes, frames, scores) are derived data it
 * can compute again; what the person sees on every device travels in the clip's entry instead.
 * Calls are synchronous SQLite; the caller runs writes on the library's write queue.
 */
export class AnalysisStore {
  constructor(private readonly db: LibraryDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ai_jobs (
        clip_id TEXT PRIMARY KEY,
        priority INTEGER NOT NULL,
        order_key REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        crashes INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        error TEXT,
        input TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS ai_jobs_by_turn ON ai_jobs (state, priority DESC, order_key DESC);
      CREATE TABLE IF NOT EXISTS ai_results (
        clip_id TEXT PRIMARY KEY,
        input TEXT NOT NULL,
        models TEXT NOT NULL,
        analysed_at INTEGER NOT NULL,
        result TEXT NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS ai_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    `);
  }

  /**
   * Queues clips; a queued clip keeps the higher priority. A failed or crashed clip starts over
   * only when asked by the person (`retry`) or when what it would analyse changed: otherwise
   * every later edit of its title would try it again.
   */
  enqueue(jobs: readonly NewJob[], retry: boolean): number {
    const upsert = this.db.prepare(`
      INSERT INTO ai_jobs (clip_id, priority, order_key, state, input) VALUES (@clipId, @priority, @orderKey, 'queued', @input)
      ON CONFLICT (clip_id) DO UPDATE SET
        priority = CASE WHEN state = 'queued' THEN max(priority, excluded.priority) ELSE excluded.priority END,
        order_key = excluded.order_key, attempts = CASE WHEN state = 'queued' THEN attempts ELSE 0 END,
        crashes = CASE WHEN state = 'queued' THEN crashes ELSE 0 END, state = 'queued', error = NULL, input = excluded.input
      WHERE state = 'queued' OR @retry OR input != excluded.input`);
    let queued = 0;
    this.db.transaction(() => {
      for (const job of jobs) queued += upsert.run({ ...job, retry: retry ? 1 : 0 }).changes;
    })();
    return queued;
  }

  /** Raises queued clips to `priority` (clips on screen); others are left alone. */
  raise(clipIds: readonly string[], priority: number): number {
    const update = this.db.prepare(`UPDATE ai_jobs SET priority = ? WHERE clip_id = ? AND state = 'queued' AND priority < ?`);
    let raised = 0;
    this.db.transaction(() => {
      for (const clipId of clipIds) raised += update.run(priority, clipId, priority).changes;
    })();
    return raised;
  }

  /** The next queued jobs in turn, skipping `busy` ones. */
  next(limit: number, busy: ReadonlySet<string>): AnalysisJob[] {
    const rows = this.db
      .prepare(`SELECT * FROM ai_jobs WHERE state = 'queued' ORDER BY priority DESC, order_key DESC LIMIT ?`)
      .all(limit + busy.size) as JobRow[];
    return rows.filter((row) => !busy.has(row.clip_id)).slice(0, limit).map(fromRow);
  }

  job(clipId: string): AnalysisJob | null {
    const row = this.db.prepare('SELECT * FROM ai_jobs WHERE clip_id = ?').get(clipId) as JobRow | undefined;
    return row ? fromRow(row) : null;
  }

  counts(): Record<JobState, number> {
    const counts: Record<JobState, number> = { queued: 0, failed: 0, crashed: 0 };
    for (const row of this.db.prepare('SELECT state, count(*) AS n FROM ai_jobs GROUP BY state').all() as { state: JobState; n: number }[]) counts[row.state] = row.n;
    return counts;
  }

  /** Failed and crashed jobs with their reasons, most recent clips first. */
  problems(limit: number): AnalysisJob[] {
    return (this.db.prepare(`SELECT * FROM ai_jobs WHERE state != 'queued' ORDER BY order_key DESC LIMIT ?`).all(limit) as JobRow[]).map(fromRow);
  }

  /** Counts a failed attempt: queued again while attempts remain, else failed for good with the reason. */
  recordFailure(clipId: string, error: string, maxAttempts: number): AnalysisJob | null {
    this.db.prepare(`UPDATE ai_jobs SET attempts = attempts + 1, error = ?, state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'queued' END WHERE clip_id = ?`).run(error, maxAttempts, clipId);
    return this.job(clipId);
  }

  /** Counts a worker crash during this clip: after `maxCrashes` it is marked and never tried again on its own. */
  recordCrash(clipId: string, error: string, maxCrashes: number): AnalysisJob | null {
    this.db.prepare(`UPDATE ai_jobs SET crashes = crashes + 1, error = ?, state = CASE WHEN crashes + 1 >= ? THEN 'crashed' ELSE 'queued' END WHERE clip_id = ?`).run(error, maxCrashes, clipId);
    return this.job(clipId);
  }

  /** Removes jobs (done, cancelled, or their clip is gone); all queued ones when `clipIds` is null. */
  remove(clipIds: readonly string[] | null): number {
    if (clipIds === null) return this.db.prepare(`DELETE FROM ai_jobs WHERE state = 'queued'`).run().changes;
    const remove = this.db.prepare('DELETE FROM ai_jobs WHERE clip_id = ?');
    let removed = 0;
    this.db.transaction(() => {
      for (const clipId of clipIds) removed += remove.run(clipId).changes;
    })();
    return removed;
  }

  /** Records a clip as analysed: its job ends unless the clip changed since (then its job stays queued). */
  completed(result: StoredAnalysis): void {
    this.saveResult(result);
    this.db.prepare('DELETE FROM ai_jobs WHERE clip_id = ? AND input = ?').run(result.clipId, result.input);
  }

  saveResult(result: StoredAnalysis): void {
    const { clipId, input, models, analysedAt, ...found } = result;
    this.db.prepare('INSERT OR REPLACE INTO ai_results (clip_id, input, models, analysed_at, result) VALUES (?, ?, ?, ?, ?)').run(clipId, input, models, analysedAt, JSON.stringify(found));
  }

  result(clipId: string): StoredAnalysis | null {
    const row = this.db.prepare('SELECT * FROM ai_results WHERE clip_id = ?').get(clipId) as { clip_id: string; input: string; models: string; analysed_at: number; result: string } | undefined;
    if (!row) return null;
    const found = JSON.parse(row.result) as Pick<StoredAnalysis, 'recognition' | 'frames' | 'tags'>;
    return { clipId: row.clip_id, input: row.input, models: row.models, analysedAt: row.analysed_at, ...found };
  }

  removeResults(clipIds: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM ai_results WHERE clip_id = ?');
    this.db.transaction(() => {
      for (const clipId of clipIds) remove.run(clipId);
    })();
  }

  getState(key: string): string | null {
    return (this.db.prepare('SELECT value FROM ai_state WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  setState(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM ai_state WHERE key = ?').run(key);
    else this.db.prepare('INSERT OR REPLACE INTO ai_state (key, value) VALUES (?, ?)').run(key, value);
  }
}

function fromRow(row: JobRow): AnalysisJob {
  return { clipId: row.clip_id, priority: row.priority, orderKey: row.order_key, attempts: row.attempts, crashes: row.crashes, state: row.state, error: row.error, input: row.input };
}
