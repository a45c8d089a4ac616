// Entry of a chat training child process: compiles TypeScript on load (tsx), takes one
// `train` message over IPC, runs the training task, posts progress and the result, exits.
import { register } from 'tsx/esm/api';

register();
// Ends the process at once. Not process.exit: tearing the runtime down while an onnxruntime
// run (the training's embeddings) is in flight aborts with "terminate called after throwing
// an instance of 'Napi::Error'"; a child with no one to report to has nothing to clean up.
const endNow = () => process.kill(process.pid, 'SIGKILL');
// an orphan has no one to report to: the parent died or killed the run
process.once('disconnect', endNow);
process.once('message', async (m) => {
  // training yields the CPU to serving (WORKER_NICE)
  const nice = m.args?.config?.WORKER_NICE ?? 0;
  if (nice > 0) {
    try {
      const { lowerProcessPriority } = await import('../../../shared/process/lower-priority.ts');
      lowerProcessPriority(nice);
    } catch {
      // not permitted here: run at the inherited priority
    }
  }
  try {
    const { trainChatModelTask } = await import('./train-chat-model.task.ts');
    // a parent gone in the meantime: stop quietly (a failed send without a callback is an unhandled 'error' event)
    const progress = (message) => process.connected && process.send({ type: 'progress', message }, (err) => err && endNow());
    const result = await trainChatModelTask(m.args, progress);
    process.send({ type: 'result', result }, () => process.exit(0));
  } catch (err) {
    process.send({ type: 'error', code: err?.code, message: err instanceof Error ? err.message : String(err) }, () => process.exit(1));
  }
});
