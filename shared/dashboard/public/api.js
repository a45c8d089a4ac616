// The dashboard's access to the JSON APIs: the key pasted in (kept in localStorage), sent as
// `Authorization: Bearer …`; 401/403 raise a banner. Also the small DOM helpers every view uses.

export const KEY_STORAGE = 'affinity.apiKey';

export const $ = (sel) => document.querySelector(sel);

/** Builds an element: `el('td', { class: 'num' }, '0.42')`; children are text or nodes. */
export function el(tag, attrs = {}, ...children) {
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

export class ApiError extends Error {
  constructor(status, code, message) {
    super(`${status}${code ? ` ${code}` : ''}: ${message}`);
    this.status = status;
    this.code = code;
  }
}

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) ?? '';
}

export function showAuthMessage(text) {
  const banner = $('#auth-message');
  banner.textContent = text ?? '';
  banner.hidden = !text;
}

/** Calls a JSON API with the key, if one is set; 401/403 also raise the banner. */
export async function api(path, { method = 'GET', body } = {}) {
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
export function status(section, err) {
  const p = document.querySelector(`[data-status="${section}"]`);
  p.textContent = err ? (err instanceof ApiError ? err.message : String(err)) : '';
  p.classList.toggle('error', Boolean(err));
}
