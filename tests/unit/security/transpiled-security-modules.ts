import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A spawned `node` cannot import TypeScript, and a test that spawns a real terminal or a real
 * D-Bus session needs the real module in the child. So the child gets main/security compiled
 * by the project's own TypeScript (transpile only, no type check: tsc checks the sources), in
 * `dir`, next to a link to the project's node_modules for zod and @napi-rs/keyring.
 * Returns the folder holding the .js modules.
 */
export async function transpileSecurityModules(dir: string): Promise<string> {
  const sourceDir = path.join(repoRoot, 'main', 'security');
  const outDir = path.join(dir, 'main', 'security');
  await fs.mkdir(outDir, { recursive: true });
  await fs.symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const name of await fs.readdir(sourceDir)) {
    if (!name.endsWith('.ts')) continue;
    const source = await fs.readFile(path.join(sourceDir, name), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true },
    });
    await fs.writeFile(path.join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
  // Marks the folder as ESM, as the project's package.json does for the sources.
  await fs.writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
  return outDir;
}

export function fixturePath(name: string): string {
  return path.join(repoRoot, 'tests', 'unit', 'security', 'fixtures', name);
}
