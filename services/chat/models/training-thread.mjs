// Entry of a chat training thread: compiles TypeScript on load (tsx; the main thread's loader
// hooks do not reach worker threads), runs the training task, posts progress and the result.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
try {
  const { trainChatModelTask } = await import('./train-chat-model.task.ts');
  const result = await trainChatModelTask(workerData, (message) => parentPort.postMessage({ type: 'progress', message }));
  parentPort.postMessage({ type: 'result', result });
} catch (err) {
  parentPort.postMessage({ type: 'error', code: err?.code, message: err instanceof Error ? err.message : String(err) });
}
