/* The policy form of the detail view: filled from the streamed policy, saved with PUT (which replaces it whole). */
import { $ } from './dom.js';
import { shortDuration } from './format.js';
import { problem, write } from './api.js';
import { toast } from './notify.js';
import { limits, view } from './store.js';

const POLICY_FIELDS = ['permits', 'lease', 'rate', 'period', 'burst', 'fair'];
const DURATIONS = new Set(['lease', 'period']);
const BOOLEANS = new Set(['fair']);

/** Wires the form's save, reset and edit tracking. */
export function bindPolicyForm() {
  const form = $('policy-form');
  form.addEventListener('submit', savePolicy);
  form.addEventListener('input', () => {
    view.formDirty = true;
    $('form-status').textContent = '';
  });
  $('policy-reset').addEventListener('click', () => {
    clearFormErrors();
    view.formDirty = false;
    const l = limits.get(view.selected);
    if (l) fillForm(l.summary.policy, view.selected);
  });
}

/** Shows policy (of the limit name) in the form and marks it unedited. */
export function fillForm(policy, name) {
  const form = $('policy-form');
  for (const f of POLICY_FIELDS) {
    const v = policy[f];
    if (BOOLEANS.has(f)) form.elements[f].checked = v === true;
    else form.elements[f].value = v === undefined || v === null ? '' : (DURATIONS.has(f) ? shortDuration(v) : String(v));
  }
  view.formFor = name;
  view.formDirty = false;
}

/** Clears the errors shown beside fields and under the form. */
export function clearFormErrors() {
  for (const e of document.querySelectorAll('[data-error-for]')) e.textContent = '';
  for (const f of POLICY_FIELDS) $('policy-form').elements[f].removeAttribute('aria-invalid');
  $('form-error').hidden = true;
}

async function savePolicy(event) {
  event.preventDefault();
  const name = view.selected;
  const form = $('policy-form');
  const body = {};
  for (const f of POLICY_FIELDS) {
    if (BOOLEANS.has(f)) {
      if (form.elements[f].checked) body[f] = true;
      continue;
    }
    const v = form.elements[f].value.trim();
    if (v === '') continue;
    body[f] = /^-?\d+(\.\d+)?$/.test(v) && !DURATIONS.has(f) ? Number(v) : v;
  }
  clearFormErrors();
  $('form-status').textContent = 'Saving…';
  const save = $('policy-save');
  save.disabled = true;
  try {
    const res = await write('PUT', '/api/limits/' + encodeURIComponent(name), body);
    if (!res) {
      $('form-status').textContent = '';
      return;
    }
    if (res.ok) {
      const stored = await res.json();
      view.formDirty = false;
      fillForm(stored, name);
      $('form-status').textContent = 'Saved';
      toast('Policy of ' + name + ' saved');
      return;
    }
    $('form-status').textContent = '';
    const p = await problem(res);
    const slot = p.field ? document.querySelector('[data-error-for="' + CSS.escape(p.field) + '"]') : null;
    if (slot) {
      slot.textContent = p.detail;
      form.elements[p.field].setAttribute('aria-invalid', 'true');
      form.elements[p.field].focus();
    } else {
      $('form-error').textContent = p.detail;
      $('form-error').hidden = false;
    }
  } catch (e) {
    $('form-status').textContent = '';
    $('form-error').textContent = 'Could not save: ' + e.message;
    $('form-error').hidden = false;
  } finally {
    save.disabled = false;
  }
}
