import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding ClipShot's package.json, whether this runs from out/ (built) or from the sources (tests). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'clipshot') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the ClipShot package folder');
    dir = parent;
  }
}

/**
 * Where `vite build` puts the renderer: not out/renderer, which tsc fills with the renderer
 * modules that Node-side tests import (and Vite would wipe, or `serve` would serve).
 */
export function builtRendererDir(): string {
  return path.join(packageRoot(), 'out', 'web');
}
