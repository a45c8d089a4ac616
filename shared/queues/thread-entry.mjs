// Entry of a job thread: compiles TypeScript on load (tsx), imports the job's module and runs
// one of its exports with the arguments it was given, posting progress lines and the result.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { moduleUrl, exportName, args, nice } = workerData;
// on Linux a priority belongs to a thread: this lowers the job thread's only (best effort)
if (nice > 0) {
  try {
    os.setPriority(Math.max(os.getPriority(), nice));
  } catch {
    // not permitted here: run at the inherited priority
  }
}
try {
  const mod = await import(moduleUrl);
  const result = await mod[exportName](args, (message) => parentPort.postMessage({ type: 'progress', message }));
  parentPort.postMessage({ type: 'result', result });
} catch (err) {
  parentPort.postMessage({ type: 'error', code: err?.code, message: err instanceof Error ? err.message : String(err) });
}
