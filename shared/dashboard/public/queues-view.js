// Queues: jobs per state and the latest jobs, refreshed every few seconds; the nightly button.
import { $, api, el, status } from './api.js';
import { loadModels } from './models-view.js';

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'paused', 'completed', 'failed'];
let queuesBusy = false;

export async function loadQueues() {
  if (queuesBusy) return;
  queuesBusy = true;
  try {
    const { queues } = await api('/v1/admin/queues');
    $('#queue-counts').replaceChildren(
      el('thead', {}, el('tr', {}, el('th', {}, 'queue'), STATES.map((s) => el('th', {}, s)))),
      el('tbody', {}, queues.map((q) =>
        el('tr', { 'data-queue': q.name }, el('td', {}, q.name), STATES.map((s) => el('td', { class: `num${q.counts[s] && (s === 'failed' || s === 'active') ? ` ${s}` : ''}`, 'data-state': s }, q.counts[s] ?? 0))),
      )),
    );
    const jobs = queues.flatMap((q) => q.recent.map((j) => ({ ...j, queue: q.name }))).sort((a, b) => b.created.localeCompare(a.created)).slice(0, 10);
    $('#queue-jobs').replaceChildren(
      el('thead', {}, el('tr', {}, ['job', 'name', 'state', 'outcome', 'seconds', 'attempts', 'created'].map((h) => el('th', {}, h)))),
      el('tbody', {}, jobs.length === 0
        ? el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No jobs yet.'))
        : jobs.map((j) => el('tr', {},
          el('td', {}, el('code', {}, j.id)),
          el('td', {}, j.name),
          el('td', {}, el('span', { class: `pill ${j.state}` }, j.state)),
          el('td', { title: j.failedReason ?? '' }, j.status ?? j.failedReason ?? ''),
          el('td', { class: 'num' }, j.seconds === null ? '' : j.seconds.toFixed(1)),
          el('td', { class: 'num' }, j.attempts),
          el('td', {}, new Date(j.created).toLocaleTimeString()),
        ))),
    );
    $('#queues-updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    status('queues');
  } catch (err) {
    status('queues', err);
  } finally {
    queuesBusy = false;
  }
}

export async function runNightly() {
  const out = $('#nightly-state');
  const button = $('#run-nightly');
  button.disabled = true;
  try {
    const job = await api('/v1/admin/jobs/nightly', { method: 'POST', body: {} });
    out.textContent = `nightly flow queued as ${job.id}`;
    out.dataset.jobId = job.id;
    void loadQueues();
    void followJob(job.id);
  } catch (err) {
    out.textContent = '';
    status('queues', err);
  } finally {
    button.disabled = false;
  }
}

/** Polls a job until it ends, saying its state and stage; a finished flow refreshes the models. */
async function followJob(id) {
  const out = $('#nightly-state');
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    if (out.dataset.jobId !== id) return;
    try {
      const job = await api(`/v1/admin/jobs/${encodeURIComponent(id)}`);
      const stage = job.progress ? ` · ${job.progress.stage} ${job.progress.percent}%` : '';
      out.textContent = `nightly flow ${id}: ${job.state}${stage}${job.failedReason ? ` · ${job.failedReason}` : ''}`;
      if (job.state === 'completed' || job.state === 'failed') {
        void loadModels();
        return;
      }
    } catch (err) {
      out.textContent = `nightly flow ${id}: ${err.message}`;
      return;
    }
  }
}
