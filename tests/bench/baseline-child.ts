// Child process of the library benchmark: the bare FTS5 baseline over the corpus rows.
import fs from 'node:fs/promises';
import { measureBareFtsBaseline, type BaselineRow } from './bare-fts-baseline.js';
import { benchQueries } from './bench-corpus.js';

const rows = JSON.parse(await fs.readFile(process.argv[2]!, 'utf8')) as BaselineRow[];
process.stdout.write(JSON.stringify(measureBareFtsBaseline(rows, benchQueries())));
