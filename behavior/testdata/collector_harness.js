// Node harness for collector.js: a minimal fake DOM (no dependencies) in
// which a scripted session is played; prints the value the collector wrote
// into the hidden field. Used by collector_test.go:
//
//   node collector_harness.js ../collector.js SESSION
//
// Sessions: human, human_coarse, paste, long, bot_type0, js_dispatch,
// script_fill.
'use strict';
const fs = require('fs');
const vm = require('vm');

const [, , scriptPath, session] = process.argv;
let clock = 0; // performance.now()
let step = 0; // timer step applied to performance.now() and timeStamps
const q = (t) => (step > 0 ? Math.floor(t / step) * step : t);

class Target {
  constructor() { this.listeners = []; }
  addEventListener(type, fn, opt) {
    const capture = opt === true || (opt && opt.capture) || false;
    this.listeners.push({ type, fn, capture });
  }
  fire(ev, phase) {
    for (const l of this.listeners.slice()) {
      if (l.type !== ev.type) continue;
      if (phase === 'capture' && !l.capture) continue;
      if (phase === 'bubble' && l.capture) continue;
      l.fn(ev);
    }
  }
}

class Element extends Target {
  constructor(tag, attrs) {
    super();
    this.tagName = tag;
    this.type = tag === 'TEXTAREA' ? 'textarea' : 'text';
    this.name = ''; this.id = ''; this.value = ''; this.defaultValue = '';
    this.form = null; this.autofill = false; this.attrs = {};
    Object.assign(this, attrs || {});
  }
  matches(sel) {
    if (sel === ':autofill') return this.autofill;
    throw new Error('unsupported selector ' + sel);
  }
  closest(sel) { return /^(BUTTON|INPUT)$/.test(this.tagName) ? this : null; }
  getAttribute(n) { return n in this.attrs ? this.attrs[n] : null; }
}

const window = new Target();
const document = new Target();
const form = new Element('FORM', { attrs: { 'data-tollgate': '' } });
form.elements = [];
form.elements.namedItem = (n) => form.elements.find((e) => e.name === n) || null;
form.appendChild = (el) => { el.form = form; form.elements.push(el); };
form.submitCount = 0;
const add = (el) => { form.appendChild(el); return el; };
const user = add(new Element('INPUT', { name: 'user' }));
const pass = add(new Element('INPUT', { name: 'pass', type: 'password' }));
const button = add(new Element('BUTTON', { type: 'submit' }));
add(new Element('INPUT', { name: 'csrf', type: 'hidden', value: 'x' }));

document.readyState = 'complete';
document.querySelectorAll = (sel) => (sel === 'form[data-tollgate]' ? [form] : []);
document.querySelector = () => form;
document.createElement = (tag) => new Element(tag.toUpperCase());

const performance = {
  now: () => q(clock),
  timeOrigin: 1.7e12,
  getEntriesByType: () => [{ domContentLoadedEventStart: 300 }],
};
const navigator = { webdriver: false };

// dispatch runs the capture phase window → document → form, the target,
// then the bubble phase when the event bubbles.
function dispatch(target, props, at, latency) {
  const ev = Object.assign({
    isTrusted: true, bubbles: true, target,
    getModifierState: () => false,
  }, props);
  ev.timeStamp = q(at);
  // performance.now() is monotonic: a handler never runs before an earlier one.
  clock = Math.max(clock, at + (latency === undefined ? 0.7 : latency));
  let path = [window, document, form];
  if (target === window) path = [];
  else if (target === document) path = [window];
  else if (target === form) path = [window, document];
  for (const t of path) t.fire(ev, 'capture');
  target.fire(ev, 'capture');
  target.fire(ev, 'bubble');
  if (ev.bubbles) for (const t of path.slice().reverse()) t.fire(ev, 'bubble');
  return ev;
}

const sandbox = { window, document, navigator, performance, Error, JSON, Math, Array, Map, WeakMap, Object };
window.performance = performance;
vm.createContext(sandbox);
sandbox.window = window;
vm.runInContext(fs.readFileSync(scriptPath, 'utf8'), sandbox);
if (!window.Tollgate || !window.Tollgate.behavior) throw new Error('collector did not install');

function keyOf(ch) {
  if (ch === '\t') return { key: 'Tab', code: 'Tab', keyCode: 9 };
  const up = ch.toUpperCase() === ch && ch.toLowerCase() !== ch;
  return { key: ch, code: 'Key' + ch.toUpperCase(), keyCode: ch.toUpperCase().charCodeAt(0), shiftKey: up };
}

// type presses each character: keydown, beforeinput, input, keyup.
function type(el, text, t, gap, hold, trusted) {
  const isTrusted = trusted !== false;
  let i = 0;
  for (const ch of text) {
    const k = Object.assign(keyOf(ch), { isTrusted });
    const g = typeof gap === 'function' ? gap(i) : gap;
    const h = typeof hold === 'function' ? hold(i) : hold;
    dispatch(el, Object.assign({ type: 'keydown' }, k), t);
    dispatch(el, { type: 'beforeinput', inputType: 'insertText', isTrusted }, t + 0.9, 0.1);
    el.value += ch;
    dispatch(el, { type: 'input', inputType: 'insertText', isTrusted }, t + 1, 0.1);
    dispatch(el, Object.assign({ type: 'keyup' }, k), t + h);
    t += g;
    i++;
  }
  return t;
}

function move(n, x0, y0, x1, y1, t) {
  for (let i = 1; i <= n; i++) {
    dispatch(window, { type: 'pointermove', pointerType: 'mouse', clientX: x0 + (x1 - x0) * i / n, clientY: y0 + (y1 - y0) * i / n }, t + i * 16);
  }
  return t + n * 16;
}

function click(el, x, y, t, up) {
  dispatch(window, { type: 'pointerdown', pointerType: 'mouse', clientX: x, clientY: y }, t);
  if (el !== button) dispatch(el, { type: 'focus', bubbles: false }, t + 1);
  if (el === button) dispatch(el, { type: 'click' }, t + (up || 90));
}

function submit(t, trusted) {
  dispatch(form, { type: 'submit', isTrusted: trusted !== false }, t);
}

const jitter = (i) => 120 + ((i * 7919) % 13) * 17;
const holdOf = (i) => 80 + ((i * 104729) % 7) * 9;
let t = 1000;

switch (session) {
  case 'human':
  case 'human_coarse':
  case 'paste': {
    if (session === 'human_coarse') step = 100;
    t = move(30, 10, 10, 300, 200, t);
    click(user, 300, 200, t);
    t = type(user, 'Alice.Smith', t + 500, jitter, holdOf);
    dispatch(user, { type: 'keydown', key: 'Tab', code: 'Tab', keyCode: 9 }, t);
    dispatch(user, { type: 'blur', bubbles: false }, t + 0.5);
    dispatch(pass, { type: 'focus', bubbles: false }, t + 0.6);
    dispatch(pass, { type: 'keyup', key: 'Tab', code: 'Tab', keyCode: 9 }, t + 85);
    if (session === 'paste') {
      dispatch(pass, { type: 'keydown', key: 'Control', code: 'ControlLeft', ctrlKey: true }, t + 300);
      dispatch(pass, { type: 'keydown', key: 'v', code: 'KeyV', ctrlKey: true }, t + 420);
      dispatch(pass, { type: 'paste' }, t + 421);
      dispatch(pass, { type: 'beforeinput', inputType: 'insertFromPaste' }, t + 421.5);
      pass.value = 'correct-horse-battery';
      dispatch(pass, { type: 'input', inputType: 'insertFromPaste' }, t + 422);
      dispatch(pass, { type: 'keyup', key: 'v', code: 'KeyV', ctrlKey: true }, t + 500);
      dispatch(pass, { type: 'keyup', key: 'Control', code: 'ControlLeft' }, t + 560);
      t += 800;
    } else {
      t = type(pass, 'Secret-Pass7', t + 200, jitter, holdOf);
    }
    t = move(20, 300, 240, 320, 300, t + 400);
    click(button, 320, 300, t);
    submit(t + 91);
    break;
  }
  case 'long': {
    // Far more typing than the collector keeps: it must stop recording
    // at its caps and still write a document the server accepts.
    t = move(30, 10, 10, 300, 200, t);
    click(user, 300, 200, t);
    t = type(user, 'abcdefghij'.repeat(40), t + 500, jitter, holdOf);
    dispatch(user, { type: 'keydown', key: 'Tab', code: 'Tab', keyCode: 9 }, t);
    dispatch(pass, { type: 'focus', bubbles: false }, t + 0.6);
    t = type(pass, 'klmnopqrst'.repeat(40), t + 200, jitter, holdOf);
    t = move(20, 300, 240, 320, 300, t + 400);
    click(button, 320, 300, t);
    submit(t + 91);
    break;
  }
  case 'bot_type0': {
    navigator.webdriver = true;
    dispatch(user, { type: 'focus', bubbles: false }, 1400);
    t = type(user, 'Alice.Smith', 1401, 2, 0.5);
    dispatch(pass, { type: 'focus', bubbles: false }, t);
    t = type(pass, 'Secret-Pass7', t + 1, 2, 0.5);
    dispatch(window, { type: 'pointermove', pointerType: 'mouse', clientX: 320, clientY: 300 }, t + 5);
    click(button, 320, 300, t + 6, 1);
    submit(t + 7.2);
    break;
  }
  case 'js_dispatch': {
    // In-page script: dispatched events, then button.click().
    navigator.webdriver = true;
    dispatch(user, { type: 'focus', bubbles: false }, 1400);
    t = type(user, 'Alice.Smith', 1400.2, 0.1, 0.05, false);
    dispatch(pass, { type: 'focus', bubbles: false }, t);
    t = type(pass, 'Secret-Pass7', t + 0.1, 0.1, 0.05, false);
    dispatch(button, { type: 'click', isTrusted: false }, t + 1);
    submit(t + 1.5);
    break;
  }
  case 'script_fill': {
    // el.value = ...; form.submit(): no events, no submit event, only the
    // formdata event fired while the form data set is built.
    user.value = 'Alice.Smith';
    pass.value = 'Secret-Pass7';
    const entries = {};
    clock = 1500;
    form.fire({ type: 'formdata', formData: { set: (k, v) => { entries[k] = v; } } }, 'bubble');
    process.stdout.write(entries.tollgate_behavior || '');
    process.exit(0);
  }
  default:
    throw new Error('unknown session ' + session);
}
const hidden = form.elements.namedItem('tollgate_behavior');
process.stdout.write(hidden ? hidden.value : '');
