// Bootstrap of an inference worker thread: the sources are TypeScript, compiled on load by
// tsx (the main thread's loader hooks do not reach worker threads).
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');
