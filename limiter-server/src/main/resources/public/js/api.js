/* Calls to the REST API with the admin token, asked once and kept in sessionStorage for this tab. */
import { $ } from './dom.js';

export const TOKEN_KEY = 'limiter.adminToken';

/**
 * Sends a write with the admin token, asking for the token first if this tab has none, and again (with the
 * server's reason) on 401/403. Resolves to the Response, or null when the user cancels the token prompt.
 */
export async function write(method, url, body) {
  let reason = null;
  for (;;) {
    let token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      token = await askToken(reason);
      if (token === null) return null;
      sessionStorage.setItem(TOKEN_KEY, token);
    }
    const headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (res.status !== 401 && res.status !== 403) return res;
    sessionStorage.removeItem(TOKEN_KEY);
    reason = (await problem(res)).detail;
  }
}

/**
 * GETs url as JSON: without a token first (reads are open unless the server protects them), then with this tab's
 * token if the server asks for one. Rejects on any other failure.
 */
export async function read(url) {
  let res = await fetch(url, { headers: { Accept: 'application/json' } });
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (res.status === 401 && token) {
    res = await fetch(url, { headers: { Accept: 'application/json', Authorization: 'Bearer ' + token } });
  }
  if (!res.ok) throw new Error((await problem(res)).detail);
  return res.json();
}

/** Asks for the admin token in the dialog, showing reason if given; resolves to the token, or null on cancel. */
export function askToken(reason) {
  const dialog = $('token-dialog');
  const input = $('token-input');
  const error = $('token-error');
  error.textContent = reason || '';
  error.hidden = !reason;
  input.value = '';
  return new Promise((resolve) => {
    const done = (value) => {
      $('token-form').removeEventListener('submit', onSubmit);
      $('token-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      resolve(value);
    };
    const onSubmit = (e) => {
      e.preventDefault();
      const v = input.value.trim();
      if (v) done(v);
    };
    const onCancel = (e) => {
      e.preventDefault();
      done(null);
    };
    $('token-form').addEventListener('submit', onSubmit);
    $('token-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
}

/** The problem+json body of an error response, or a stand-in with the status line. */
export async function problem(res) {
  try {
    const p = await res.json();
    if (p && p.detail) return p;
  } catch (ignored) {
    // not JSON
  }
  return { detail: res.status + ' ' + res.statusText };
}
