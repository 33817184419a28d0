#!/usr/bin/env node
// The CLI is written in TypeScript and compiled to out/ by `npm run build` (run by `npm install`'s prepare step).
import('../out/main/cli/main.js').catch((error) => {
  console.error(`clipshot: cannot start: ${error instanceof Error ? error.message : String(error)} (run "npm run build")`);
  process.exit(1);
});
