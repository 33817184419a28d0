import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../server/package-root.js';

let cached: string | null = null;

/** The running ClipShot's version (package.json's), which plugins' `engines.clipshot` ranges are checked against. */
export function clipshotVersion(): string {
  cached ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
