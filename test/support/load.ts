// Steady HTTP load for integration tests (autocannon against a listening server): counts every
// response by status, and every connection error, so a test can assert that none failed.
import autocannon from 'autocannon';

export interface LoadOutcome {
  requests: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Requests that got no response (refused, reset, timed out). */
  errors: number;
  /** Statuses of the first few non-2xx responses. */
  failures: string[];
}

/**
 * Sends GET requests to `paths` (cycled) over `connections` connections for `seconds`.
 * @example const out = await load('http://127.0.0.1:8080', ['/v1/search?q=red'], { seconds: 20, connections: 8 })
 */
export async function load(base: string, paths: readonly string[], opts: { seconds: number; connections: number; timeoutS?: number; headers?: Record<string, string> }): Promise<LoadOutcome> {
  let i = 0;
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  let resolveDone!: (r: autocannon.Result) => void;
  let rejectDone!: (e: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((resolveDone = resolve), (rejectDone = reject)));
  const instance = autocannon(
    {
      url: base,
      connections: opts.connections,
      duration: opts.seconds,
      timeout: opts.timeoutS ?? 10,
      ...(opts.headers ? { headers: opts.headers } : {}),
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
    },
    (err, result) => (err ? rejectDone(err) : resolveDone(result)),
  );
  instance.on('response', (_client, statusCode) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if ((statusCode < 200 || statusCode >= 300) && failures.length < 20) failures.push(String(statusCode));
  });
  const result = await done;
  return { requests: result.requests.total, statuses, errors: result.errors + result.timeouts, failures };
}
