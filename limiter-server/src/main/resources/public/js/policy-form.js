/*
 * The policy form of the detail view, built from the server's schema (GET /api/schema): one group per part, one
 * input per field chosen by its type, so a field added on the server needs no change here. Filled from the streamed
 * policy and saved with PUT, which replaces the policy whole, so every field the policy has must be in the form.
 */
import { $, el } from './dom.js';
import { shortDuration } from './format.js';
import { problem, read, write } from './api.js';
import { toast } from './notify.js';
import { limits, view } from './store.js';

/** The schema's fields once loaded, else null. */
let fields = null;
let loading = null;

/** How each field type is shown, read back and sent. */
const INPUTS = {
  integer: {
    build: () => textInput('numeric'),
    show: (input, v) => { input.value = v === undefined ? '' : String(v); },
    // A number the server can check; anything else is sent as typed, so its error names the field.
    value: (input) => blankToUndefined(input.value, (v) => (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v)),
  },
  duration: {
    build: () => textInput(),
    show: (input, v) => { input.value = v === undefined ? '' : shortDuration(v); },
    value: (input) => blankToUndefined(input.value),
  },
  zone: {
    build: () => {
      const input = textInput();
      input.setAttribute('list', 'zones');
      return input;
    },
    show: (input, v) => { input.value = v === undefined ? '' : v; },
    value: (input) => blankToUndefined(input.value),
  },
  enum: {
    build: (f) => {
      const select = el('select');
      select.append(el('option', '', f.default !== undefined ? 'default (' + f.default + ')' : '—'));
      select.options[0].value = '';
      for (const v of f.values || []) select.append(el('option', '', v));
      return select;
    },
    show: (select, v) => { select.value = v === undefined ? '' : v; },
    value: (select) => blankToUndefined(select.value),
  },
  boolean: {
    build: () => {
      const box = el('input');
      box.type = 'checkbox';
      return box;
    },
    show: (box, v) => { box.checked = v === true; },
    value: (box) => (box.checked ? true : undefined),
  },
};

function textInput(inputMode) {
  const input = el('input');
  input.autocomplete = 'off';
  if (inputMode) input.inputMode = inputMode;
  return input;
}

function blankToUndefined(raw, convert = (v) => v) {
  const v = raw.trim();
  return v === '' ? undefined : convert(v);
}

const kind = (f) => INPUTS[f.type] || INPUTS.duration;

/**
 * Loads the schema (once; again after a failure) and builds the form; onReady runs when it is built. Safe to call
 * often: while loading or once built it does nothing.
 */
export function ensurePolicyForm(onReady) {
  if (fields !== null || loading !== null) return;
  loading = read('/api/schema').then((schema) => {
    buildForm(schema);
    fields = schema.fields;
    onReady();
  }).catch((e) => {
    $('policy-fields').replaceChildren(el('p', 'form-error', 'Cannot load the policy fields: ' + e.message));
  }).finally(() => {
    loading = null;
  });
}

function buildForm(schema) {
  const groups = [];
  for (const part of schema.parts) {
    const set = el('fieldset', 'part');
    set.dataset.part = part.name;
    set.append(el('legend', '', part.label));
    for (const f of schema.fields.filter((x) => x.part === part.name)) set.append(buildField(f));
    groups.push(set);
  }
  if (schema.fields.some((f) => f.type === 'zone') && Intl.supportedValuesOf) {
    const zones = el('datalist');
    zones.id = 'zones';
    for (const z of Intl.supportedValuesOf('timeZone')) zones.append(el('option', '', z));
    groups.push(zones);
  }
  $('policy-fields').replaceChildren(...groups);
}

function buildField(f) {
  const row = el('div', 'field' + (f.type === 'boolean' ? ' field-check' : ''));
  const input = kind(f).build(f);
  input.id = 'f-' + f.name;
  input.name = f.name;
  input.dataset.testid = 'field-' + f.name;
  if (f.default !== undefined && input.tagName === 'INPUT' && input.type !== 'checkbox') {
    input.placeholder = f.type === 'duration' ? shortDuration(String(f.default)) : String(f.default);
  }
  input.title = f.description + (f.rule ? ' (must ' + f.rule + ')' : '');
  const label = el('label', '', f.name.charAt(0).toUpperCase() + f.name.slice(1) + (f.unit && f.unit !== f.name ? ' (' + f.unit + ')' : ''));
  label.htmlFor = input.id;
  const error = el('span', 'field-error');
  error.dataset.errorFor = f.name;
  error.dataset.testid = 'error-' + f.name;
  row.append(label, input, error);
  return row;
}

/** Wires the form's save, reset and edit tracking. */
export function bindPolicyForm() {
  const form = $('policy-form');
  form.addEventListener('submit', savePolicy);
  // "change" too: a field cleared by script or automation fires no "input", and the next event would refill it.
  const edited = () => {
    view.formDirty = true;
    $('form-status').textContent = '';
  };
  form.addEventListener('input', edited);
  form.addEventListener('change', edited);
  $('policy-reset').addEventListener('click', () => {
    clearFormErrors();
    view.formDirty = false;
    const l = limits.get(view.selected);
    if (l) fillForm(l.summary.policy, view.selected);
  });
}

/** Shows policy (of the limit name) in the form and marks it unedited; does nothing before the form is built. */
export function fillForm(policy, name) {
  if (fields === null) return;
  const form = $('policy-form');
  for (const f of fields) {
    const v = policy[f.name];
    kind(f).show(form.elements[f.name], v === null ? undefined : v);
  }
  view.formFor = name;
  view.formDirty = false;
}

/** Clears the errors shown beside fields and under the form. */
export function clearFormErrors() {
  for (const e of document.querySelectorAll('[data-error-for]')) e.textContent = '';
  for (const e of document.querySelectorAll('#policy-form [aria-invalid]')) e.removeAttribute('aria-invalid');
  $('form-error').hidden = true;
}

async function savePolicy(event) {
  event.preventDefault();
  if (fields === null) return;
  const name = view.selected;
  const form = $('policy-form');
  const body = {};
  for (const f of fields) {
    const v = kind(f).value(form.elements[f.name]);
    if (v !== undefined) body[f.name] = v;
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
