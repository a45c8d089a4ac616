// The playgrounds: a user's recommendations, a search, a chat session.
import { $, api, el, status } from './api.js';

function itemRow(item, detail) {
  return el('li', { 'data-item': item.id },
    el('strong', {}, item.title),
    el('span', { class: 'muted' }, ` ${item.category ?? ''}${typeof item.price === 'number' ? ` · ${item.price}` : ''} · `, el('code', {}, item.id)),
    el('div', { class: 'reason' }, detail),
  );
}

export async function recommend(e) {
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

export async function search(e) {
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

export async function newSession() {
  const s = await api('/v1/chat/sessions', { method: 'POST', body: {} });
  sessionId = s.session_id;
  $('#chat-session').textContent = sessionId;
  $('#chat-log').replaceChildren();
  return sessionId;
}

export async function sendMessage(e) {
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
