import cluster from 'node:cluster';
import client from 'prom-client';
import { appError } from '../errors/index.ts';

// A serving process of a cluster asks the primary for the metrics of all of them; the primary
// collects each process's registries (prom-client's AggregatorRegistry, over the cluster's IPC
// channel) and answers with them all. So any process can answer a scrape for the whole API.
// Each process's series carry its slot (`api_process`): summed, a replaced process's counters
// would vanish from the total, which would go down, and Prometheus would count the survivors'
// totals again as new; apart, the replacement restarts its slot's series from zero, a reset.

/** Set by the primary on each serving process: its slot, 0 … API_PROCESSES-1, the `api_process` label of its metrics. */
export const API_PROCESS_ENV = 'AFFINITY_API_PROCESS';
/** The label that keeps each serving process's series apart in the cluster's metrics. */
export const API_PROCESS_LABEL = 'api_process';

const REQUEST = 'affinity:cluster-metrics-req';
const RESPONSE = 'affinity:cluster-metrics-res';
const TIMEOUT_MS = 5_000;

interface MetricsMessage {
  type: string;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = (m: unknown): m is MetricsMessage => typeof m === 'object' && m !== null && typeof (m as MetricsMessage).type === 'string';

/** True in a process started by `runApiCluster` (a cluster worker). */
export function inApiCluster(): boolean {
  return cluster.isWorker;
}

/** Primary: answers each serving process's request with the metrics of all of them. */
export function answerMetricsRequests(): void {
  const aggregator = new client.AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message) || message.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, text }),
      (err: unknown) => worker.isConnected() && worker.send({ type: RESPONSE, id: message.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}

const shared: client.Registry[] = [];
let answering = false;

/** Cluster worker: `registry` is part of what this process reports to the primary. */
export function shareRegistry(registry: client.Registry): void {
  if (!cluster.isWorker) return;
  const slot = process.env[API_PROCESS_ENV];
  if (slot !== undefined) registry.setDefaultLabels({ [API_PROCESS_LABEL]: slot });
  shared.push(registry);
  client.AggregatorRegistry.setRegistries(shared);
  if (!answering) {
    answering = true;
    // constructing one adds prom-client's listener that answers the primary's collection
    new client.AggregatorRegistry();
  }
}

let nextId = 0;
const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();

/** Cluster worker: the metrics of every serving process, summed, in the text exposition format. */
export function clusterMetrics(): Promise<string> {
  if (!process.send) return Promise.reject(appError('METRICS_UNAVAILABLE', 'not a cluster worker: no channel to the primary'));
  if (pending.size === 0) process.on('message', onResponse);
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => settle(id, undefined, appError('METRICS_UNAVAILABLE', `the cluster's metrics did not come within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    process.send!({ type: REQUEST, id });
  });
}

function onResponse(message: unknown): void {
  if (!isMessage(message) || message.type !== RESPONSE) return;
  settle(message.id, message.text, message.error === undefined ? undefined : appError('METRICS_UNAVAILABLE', `collecting the cluster's metrics failed: ${message.error}`));
}

function settle(id: number, text: string | undefined, err: Error | undefined): void {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  clearTimeout(p.timer);
  if (pending.size === 0) process.off('message', onResponse);
  if (err) p.reject(err);
  else p.resolve(text ?? '');
}
