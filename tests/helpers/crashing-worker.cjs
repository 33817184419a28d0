/* global process */
// A stand-in for the analysis worker in tests that run without its models: it says it is ready,
// as the real worker does, then stops on the first clip it is handed, as a crash in native code
// would (tests/helpers/test-analysis.ts; the exit code is WORKER_EXIT_CODE there).
process.send({ type: 'ready' });
process.on('message', (message) => {
  if (message && message.type === 'analyse') process.exit(70);
});
