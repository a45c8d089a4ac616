// Models: per kind, a chart of its main metric over versions and the versions with their status.
/* global Chart */
import { $, api, el, status } from './api.js';

/** The figure each kind is judged by (what the promotion gate compares). */
const MAIN_METRIC = { recommend: 'ndcg_at_10', intents: 'holdout_accuracy', sentiment: 'holdout_accuracy' };
const STATUS_COLOUR = { promoted: '#2f9e44', candidate: '#1c7ed6', rejected: '#e03131', retired: '#868e96' };

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

export async function loadModels() {
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
