// The Affinity dashboard: reads the JSON APIs with the key pasted in (kept in localStorage) and
// renders models, queues, a recommendation preview, search and a chat playground. Plain DOM,
// no framework; every value from the API goes in as text, never as HTML.
/* global Chart */

const KEY_STORAGE = 'affinity.apiKey';
const QUEUE_REFRESH_MS = 5000;
/** The figure each kind is judged by (what the promotion gate compares). */
const MAIN_METRIC = { recommend: 'ndcg_at_10', intents: 'holdout_accuracy', sentiment: 'holdout_accuracy' };
const STATUS_COLOUR = { promoted: '#2f9e44', candidate: '#1c7ed6', rejected: '#e03131', retired: '#868e96' };

const $ = (sel) => document.querySelector(sel);

/** Builds an element: `el('td', { class: 'num' }, '0.42')`; children are text or nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(`${status}${code ? ` ${code}` : ''}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

// ---------------------------------------------------------------- API access and the key

function apiKey() {
  return localStorage.getItem(KEY_STORAGE) ?? '';
}

function showAuthMessage(text) {
  const banner = $('#auth-message');
  banner.textContent = text ?? '';
  banner.hidden = !text;
}

/** Calls a JSON API with the key, if one is set; 401/403 also raise the banner. */
async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `the API did not answer (${err.message})`);
  }
  const data = await res.json().catch(() => null);
  if (res.status === 401) {
    showAuthMessage(key ? 'The API refused this key (401). Paste a valid key above.' : 'This API needs a key (401). Paste one above: it is kept in this browser only.');
  } else if (res.status === 403) {
    showAuthMessage(`This key lacks the scope ${method} ${path.split('?')[0]} needs (403)${data?.error?.message ? `: ${data.error.message}` : ''}. Admin sections need an admin key.`);
  }
  if (!res.ok) throw new ApiError(res.status, data?.error?.code, data?.error?.message ?? res.statusText);
  return data;
}

/** Shows what went wrong (or clears it) under a section's heading. */
function status(section, err) {
  const p = document.querySelector(`[data-status="${section}"]`);
  p.textContent = err ? (err instanceof ApiError ? err.message : String(err)) : '';
  p.classList.toggle('error', Boolean(err));
}

function setupKeyForm() {
  const input = $('#api-key');
  const state = $('#key-state');
  const describe = () => (state.textContent = apiKey() ? 'a key is set' : 'no key: requests go without one');
  input.value = apiKey();
  describe();
  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
    describe();
    showAuthMessage('');
    refreshAll();
  });
  $('#key-clear').addEventListener('click', () => {
    localStorage.removeItem(KEY_STORAGE);
    input.value = '';
    describe();
    refreshAll();
  });
}

// ---------------------------------------------------------------- models

const charts = new Map();
const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : (v ?? '—'));

function mainMetric(kind, versions) {
  if (MAIN_METRIC[kind]) return MAIN_METRIC[kind];
  const keys = versions.flatMap((v) => Object.keys(v.metrics ?? {}));
  return keys.find((k) => !['n_train', 'train_seconds'].includes(k)) ?? keys[0];
}

function renderKind(container, kind, info) {
  const versions = [...info.versions].sort((a, b) => String(a.created).localeCompare(String(b.created)));
  const metric = mainMetric(kind, versions);
  const card = el('article', { class: 'card', 'data-kind': kind },
    el('h3', {}, kind),
    el('p', { class: 'muted' },
      'current ', el('code', { 'data-field': 'current' }, info.current ?? 'none'),
      ' · served here ', el('code', { 'data-field': 'served' }, info.served ?? 'none'),
      info.current && info.served && info.current !== info.served ? el('span', { class: 'warn' }, ' (reloading)') : null),
  );
  if (versions.length === 0) {
    card.append(el('p', { class: 'muted' }, 'No version trained yet.'));
    container.append(card);
    return;
  }
  const canvas = el('canvas', { id: `chart-${kind}`, 'aria-label': `${metric} of each ${kind} version` });
  card.append(el('div', { class: 'chart' }, canvas));
  // the main figure, then up to two others (sizes rather than timings)
  const otherKeys = [...new Set(versions.flatMap((v) => Object.keys(v.metrics ?? {})))].filter((k) => k !== metric && k !== 'train_seconds').slice(0, 2);
  card.append(
    el('div', { class: 'table-wrap' },
      el('table', { class: 'versions' },
        el('thead', {}, el('tr', {}, el('th', {}, 'version'), el('th', {}, 'status'), el('th', { class: 'num' }, metric), otherKeys.map((k) => el('th', { class: 'num' }, k)))),
        el('tbody', {}, [...versions].reverse().map((v) =>
          el('tr', { class: v.version === info.current ? 'current' : undefined },
            el('td', { title: `created ${new Date(v.created).toLocaleString()}` }, el('code', {}, v.version)),
            el('td', {}, el('span', { class: `pill ${v.status}`, title: v.note ?? '' }, v.status)),
            el('td', { class: 'num' }, fmt(v.metrics?.[metric])),
            otherKeys.map((k) => el('td', { class: 'num' }, fmt(v.metrics?.[k]))),
          ))),
      ),
    ),
  );
  container.append(card);
  charts.get(kind)?.destroy();
  charts.set(kind, new Chart(canvas, {
    type: 'line',
    data: {
      labels: versions.map((v) => v.version.slice(1, 9) + ' ' + v.version.slice(10, 16)),
      datasets: [{
        label: metric,
        data: versions.map((v) => v.metrics?.[metric] ?? null),
        borderColor: '#495057',
        pointBackgroundColor: versions.map((v) => (v.version === info.current ? '#f08c00' : STATUS_COLOUR[v.status] ?? '#495057')),
        pointRadius: versions.map((v) => (v.version === info.current ? 7 : 5)),
        spanGaps: true,
      }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { display: true },
        tooltip: { callbacks: { afterLabel: (ctx) => `${versions[ctx.dataIndex].status}${versions[ctx.dataIndex].version === info.current ? ' (current)' : ''}` } },
      },
      scales: { y: { title: { display: true, text: metric } } },
    },
  }));
}

async function loadModels() {
  const container = $('#model-kinds');
  try {
    const { models } = await api('/v1/admin/models');
    const kinds = Object.keys(models);
    const infos = await Promise.all(kinds.map((k) => api(`/v1/admin/models/${encodeURIComponent(k)}`)));
    container.replaceChildren();
    kinds.forEach((kind, i) => renderKind(container, kind, infos[i]));
    status('models');
  } catch (err) {
    status('models', err);
  }
}

// ---------------------------------------------------------------- queues and jobs

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'waiting-children', 'paused', 'completed', 'failed'];
let queuesBusy = false;

async function loadQueues() {
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

async function runNightly() {
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

// ---------------------------------------------------------------- recommendations and search

function itemRow(item, detail) {
  return el('li', { 'data-item': item.id },
    el('strong', {}, item.title),
    el('span', { class: 'muted' }, ` ${item.category ?? ''}${typeof item.price === 'number' ? ` · ${item.price}` : ''} · `, el('code', {}, item.id)),
    el('div', { class: 'reason' }, detail),
  );
}

async function recommend(e) {
  e.preventDefault();
  const user = $('#recommend-user').value.trim();
  const k = Number($('#recommend-k').value) || 5;
  const list = $('#recommend-results');
  try {
    const r = await api(`/v1/users/${encodeURIComponent(user)}/recommendations?k=${k}`);
    list.replaceChildren(...r.items.map((it) => itemRow(it, `${it.reason} · score ${it.score.toFixed(3)}`)));
    list.dataset.strategy = r.strategy;
    status('recommend');
    $('[data-status="recommend"]').textContent = `${r.items.length} items · strategy ${r.strategy}`;
  } catch (err) {
    list.replaceChildren();
    status('recommend', err);
  }
}

async function search(e) {
  e.preventDefault();
  const q = $('#search-q').value.trim();
  const list = $('#search-results');
  try {
    const r = await api(`/v1/search?q=${encodeURIComponent(q)}&k=10`);
    list.replaceChildren(...r.items.map((it) => itemRow(it, `matched ${it.matched.join(' + ')} · score ${it.score.toFixed(3)}`)));
    status('search');
    if (r.items.length === 0) $('[data-status="search"]').textContent = 'Nothing found.';
  } catch (err) {
    list.replaceChildren();
    status('search', err);
  }
}

// ---------------------------------------------------------------- chat playground

let sessionId;

async function newSession() {
  const s = await api('/v1/chat/sessions', { method: 'POST', body: {} });
  sessionId = s.session_id;
  $('#chat-session').textContent = sessionId;
  $('#chat-log').replaceChildren();
  return sessionId;
}

async function sendMessage(e) {
  e.preventDefault();
  const input = $('#chat-text');
  const text = input.value.trim();
  if (!text) return;
  const log = $('#chat-log');
  try {
    const id = sessionId ?? (await newSession());
    log.append(el('div', { class: 'msg user' }, text));
    input.value = '';
    const r = await api(`/v1/chat/sessions/${encodeURIComponent(id)}/messages`, { method: 'POST', body: { text } });
    const alternatives = r.alternatives.slice(1).map((a) => `${a.intent} ${a.confidence.toFixed(2)}`).join(', ');
    log.append(el('div', { class: 'msg bot', 'data-action': r.action },
      el('div', { class: 'reply' }, r.reply),
      el('div', { class: 'meta' },
        el('span', { class: 'pill' }, r.action), ' ',
        'intent ', el('strong', { 'data-field': 'intent' }, r.intent), ` ${r.confidence.toFixed(2)}`,
        alternatives ? ` (also ${alternatives})` : '',
        ' · sentiment ', el('strong', { 'data-field': 'sentiment' }, r.sentiment.label), ` ${r.sentiment.confidence.toFixed(2)}`,
        ` · ${r.reason}`,
        Object.keys(r.slots).length ? ` · slots ${JSON.stringify(r.slots)}` : ''),
    ));
    log.scrollTop = log.scrollHeight;
    status('chat');
  } catch (err) {
    if (err.code === 'CHAT_SESSION_NOT_FOUND') sessionId = undefined; // expired: the next message opens a new one
    status('chat', err);
  }
}

// ---------------------------------------------------------------- start

function refreshAll() {
  void loadModels();
  void loadQueues();
}

setupKeyForm();
$('#models-refresh').addEventListener('click', () => void loadModels());
$('#run-nightly').addEventListener('click', () => void runNightly());
$('#recommend-form').addEventListener('submit', recommend);
$('#search-form').addEventListener('submit', search);
$('#chat-form').addEventListener('submit', sendMessage);
$('#chat-new').addEventListener('click', () => void newSession().then(() => status('chat'), (err) => status('chat', err)));
refreshAll();
setInterval(() => void loadQueues(), QUEUE_REFRESH_MS);
