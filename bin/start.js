#!/usr/bin/env node
// `npm start`: the Electron app, or `clipshot serve` where Electron cannot run (compiled to out/ by `npm run build`).
import('../out/main/app-launcher/start.js').catch((error) => {
  console.error(`ClipShot: cannot start: ${error instanceof Error ? error.message : String(error)} (run "npm run build")`);
  process.exit(1);
});
