#!/usr/bin/env node
// The CLI is written in TypeScript and compiled to out/ by `npm run build` (run by `npm install`'s prepare step).
import { fileURLToPath } from 'node:url';

function cannotStart(error) {
  console.error(`clipshot: cannot start: ${error instanceof Error ? error.message : String(error)} (run "npm run build")`);
  process.exit(1);
}

import('../out/main/cli/core-process.js')
  .then(({ relaunchWithCoreFlags }) => relaunchWithCoreFlags(fileURLToPath(import.meta.url)))
  .then(() => import('../out/main/cli/main.js'))
  .catch(cannotStart);
