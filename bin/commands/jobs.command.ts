import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { printResult, progress } from '../../shared/cli/json-output.ts';
import { positiveInt } from '../../shared/cli/option-parsers.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { appError } from '../../shared/errors/index.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { isJobName, JOB_NAMES, JOB_PAYLOAD_SCHEMAS, JobQueue, QUEUE_OF, type JobState } from '../../shared/queues/index.ts';

interface RunOptions {
  payload: string;
  wait?: boolean;
  work?: boolean;
  timeout: number;
  json?: boolean;
}

/** Shows a job's stage and percent: a bar on a terminal, a line per change otherwise. */
function progressView(): { show(state: JobState): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {percentage}% {stage}', stream: process.stderr, hideCursor: true, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { stage: 'queued' });
    return {
      show: (s) => bar.update(s.progress?.percent ?? 0, { stage: s.progress?.stage ?? s.state }),
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    show(s) {
      const line = `${String(s.progress?.percent ?? 0).padStart(3)}% ${s.progress?.stage ?? s.state}`;
      if (line !== last) progress(line);
      last = line;
    },
    stop() {},
  };
}

async function runJob(name: string, o: RunOptions): Promise<void> {
  if (!isJobName(name)) throw appError('JOB_UNKNOWN', `no job "${name}"; jobs: ${JOB_NAMES.join(', ')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(o.payload);
  } catch {
    throw appError('VALIDATION_FAILED', `--payload is not JSON: ${o.payload}`);
  }
  const parsed = JOB_PAYLOAD_SCHEMAS[name].safeParse(raw);
  if (!parsed.success) throw appError('VALIDATION_FAILED', `bad payload for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);

  const config = loadConfig();
  const queue = new JobQueue(config.REDIS_URL, config.REDIS_PREFIX);
  let workers: { close(): Promise<void> } | undefined;
  try {
    if (o.work) {
      const { composeWorkers } = await import('../compose-worker.ts');
      // the workers' log on stderr: stdout carries the result (with --json, one JSON line)
      const log = createLogger({ level: 'warn', name: 'affinity-worker', destination: { write: (line: string) => void process.stderr.write(line) } });
      // the deployment's schedules stay as its workers set them: this process runs one job
      workers = await composeWorkers(config, log, { schedules: false });
    }
    const started = performance.now();
    const { id, deduplicated } = await queue.submit(name, parsed.data as never);
    progress(deduplicated ? `${name} with this payload is already waiting as job ${id}: not queued twice` : `queued ${name} as job ${id}`);
    // the workers of this process run the job: it is followed to its end either way
    if (!o.wait && !o.work) {
      printResult({ id, name, state: 'queued', deduplicated }, o, () => `job ${id} (${name}) queued; follow it with \`affinity jobs status ${id}\``);
      return;
    }
    if (!o.work && (await queue.queue(QUEUE_OF[name]).getWorkersCount()) === 0) {
      progress(`no worker is connected to ${QUEUE_OF[name]}: start one (\`affinity work\` or \`npm start\`) or pass --work`);
    }
    const view = progressView();
    const deadline = Date.now() + o.timeout * 1000;
    let state: JobState | undefined;
    try {
      for (;;) {
        state = await queue.get(id);
        if (!state) throw appError('JOB_NOT_FOUND', `job ${id} disappeared from the queue`);
        view.show(state);
        if (state.state === 'completed' || state.state === 'failed') break;
        if (Date.now() > deadline) {
          if (!workers) throw appError('JOB_WAIT_TIMEOUT', `job ${id} still ${state.state} after ${o.timeout} s (it goes on; see \`affinity jobs status ${id}\`)`);
          // said now: closing the workers below lets the job in hand finish first
          progress(`giving up waiting after ${o.timeout} s; this process's workers finish job ${id} before it exits (Ctrl-C leaves it to the queue's stall check, which hands it to another worker)`);
          throw appError('JOB_WAIT_TIMEOUT', `job ${id} was still ${state.state} after ${o.timeout} s; this process finished it before exiting (see \`affinity jobs status ${id}\`)`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      view.stop();
    }
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const result = { id, name, state: state.state, seconds, attempts: state.attempts, failedReason: state.failedReason, result: state.result };
    printResult(result, o, () => summary(result));
    if (endedInFailure(state)) process.exitCode = 1;
  } finally {
    await workers?.close();
    await queue.close();
  }
}

/** A failed job, or a finished one with a failed stage (the nightly run reports those). */
function endedInFailure(state: JobState): boolean {
  const failedStages = (state.result as { failed?: string[] } | null)?.failed ?? [];
  return state.state === 'failed' || failedStages.length > 0;
}

function summary(r: { id: string; name: string; state: string; seconds: number; failedReason: string | null; result: unknown }): string {
  const lines = [`job ${r.id} (${r.name}) ${r.state} in ${r.seconds} s${r.failedReason ? `: ${r.failedReason}` : ''}`];
  const res = r.result as { stages?: Record<string, { status: string; seconds: number; version?: string; metric?: number; error?: string; note?: string }> } | null;
  for (const [stage, s] of Object.entries(res?.stages ?? {})) {
    const why = s.error ?? (s.status === 'rejected' ? s.note : undefined);
    lines.push(
      `  ${stage.padEnd(16)} ${s.status.padEnd(9)} ${String(s.seconds).padStart(7)} s${s.version ? `  ${s.version}` : ''}${s.metric !== undefined ? `  metric ${s.metric.toFixed(4)}` : ''}${why ? `: ${why}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function registerJobsCommands(program: Command): void {
  const jobs = program.command('jobs').description('queued jobs: run one now, follow it, read its state');
  jobs
    .command('run')
    .description(`queue a job now (${JOB_NAMES.join(', ')}); with --wait, follow its progress to the end`)
    .argument('<name>', 'the job')
    .option('--payload <json>', 'the job payload, e.g. \'{"tune":false}\'', '{}')
    .option('--wait', 'wait for the job to finish, showing its stage and percent; exit 1 if it (or a stage) failed')
    .option('--work', 'run the workers in this process (when none is running); implies --wait')
    .option('--timeout <s>', 'give up waiting after this many seconds', positiveInt, 3600)
    .option('--json', 'print one JSON object as the last line of stdout')
    .action((name: string, o: RunOptions) => runJob(name, o));
  jobs
    .command('status')
    .description("a job's state, progress and result; exit 1 if it (or a stage) failed")
    .argument('<id>', 'the job id')
    .option('--json', 'print one JSON object as the last line of stdout')
    .action(async (id: string, o: { json?: boolean }) => {
      const config = loadConfig();
      const queue = new JobQueue(config.REDIS_URL, config.REDIS_PREFIX);
      try {
        const state = await queue.get(id);
        if (!state) throw appError('JOB_NOT_FOUND', `no job ${id}`);
        printResult(state, o);
        if (endedInFailure(state)) process.exitCode = 1;
      } finally {
        await queue.close();
      }
    });
}
