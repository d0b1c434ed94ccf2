/*! tollgate behavior collector, wire format v1. No dependencies, ES2017.
 * Records input timing on forms and writes it, on submit, into a hidden
 * field (default "tollgate_behavior"). Never records key values or field
 * contents: only key categories, value lengths and times.
 * Use: <form data-tollgate> (or data-tollgate="field_name"), or
 * Tollgate.behavior.attach(formOrSelector, {field: "name"}). */
(function () {
  'use strict';
  var w = window, d = document, P = w.performance;
  if (!P || !P.now || !d.addEventListener) return;
  var T = w.Tollgate = w.Tollgate || {};
  if (T.behavior) return;

  var MAX_FIELD = 300, MAX_EVENTS = 1000, MAX_BYTES = 28000, MAX_FIELDS = 32;
  var now = function () { return P.now(); };
  var r1 = function (x) { return Math.round(x * 10) / 10; };
  var KINDS = { mouse: 1, pen: 2, touch: 3 };
  var SKIP = /^(hidden|submit|button|reset|image|checkbox|radio|file|range|color)$/;

  // Timer step: watch performance.now() tick for up to ~1 ms.
  var probe = 0;
  (function () {
    var prev = now(), start = prev, seen = 0, min = Infinity;
    for (var i = 0; i < 20000 && seen < 4; i++) {
      var t = now();
      if (t !== prev) { min = Math.min(min, t - prev); prev = t; seen++; }
      if (t - start > 1.5) break;
    }
    if (seen >= 2) probe = min;
  })();

  // Pointer summary since the last focus or submit (trusted events only).
  var pm = 0, pp = 0, px = null, py = 0, fx = 0, fy = 0, pk = 0, pdown = -1;
  var point = function (e) {
    if (px === null) { fx = e.clientX; fy = e.clientY; }
    else pp += Math.hypot(e.clientX - px, e.clientY - py);
    px = e.clientX; py = e.clientY;
    pk = KINDS[e.pointerType] || 0;
  };
  var opt = { capture: true, passive: true };
  w.addEventListener('pointermove', function (e) {
    if (e.isTrusted) { point(e); pm++; }
  }, opt);
  w.addEventListener('pointerdown', function (e) {
    if (e.isTrusted) { point(e); pdown = now(); }
  }, opt);
  var takePointer = function () {
    var t = now(), since = pdown >= 0 && t - pdown <= 1000 ? r1(t - pdown) : -1;
    var disp = px === null ? 0 : Math.round(Math.hypot(px - fx, py - fy));
    var out = [pm, Math.round(pp), disp, pk, since];
    pm = 0; pp = 0; px = null; pdown = -1;
    return out;
  };

  var autofilled = function (el) {
    try { return el.matches(':autofill'); } catch (e) {
      try { return el.matches(':-webkit-autofill'); } catch (e2) { return false; }
    }
  };
  var category = function (e) {
    var k = e.key || '';
    if (k === 'Unidentified' || k === 'Process' || e.keyCode === 229) return 'u';
    if (k === 'Shift') return 's';
    if (k === 'Backspace') return 'b';
    if (k.length === 1 || (k.length === 2 && k.charCodeAt(0) >= 0xd800 && k.charCodeAt(0) < 0xdc00)) {
      if (k >= '0' && k <= '9') return 'd';
      if (k.toLowerCase() !== k.toUpperCase()) return 'l';
    }
    return 'o';
  };

  // enc writes a field's events in wire version 2: one letter per type,
  // then integers: time as tenths of a ms since the previous event's, delay
  // in tenths, flags, and the event's own members; ';' between events.
  var LETTER = { bi: 'j', cs: 's', cu: 'c', ce: 'e' };
  var tenths = function (x) { return Math.round(x * 10); };
  var enc = function (evs) {
    var prev = 0;
    return evs.map(function (ev) {
      var t = tenths(ev[1]), out = (LETTER[ev[0]] || ev[0]) + (t - prev) + ',' + tenths(ev[2]) + ',' + ev[3];
      prev = t;
      for (var i = 4; i < ev.length; i++) {
        // A focus ends with the ms since the pointerdown (-1: none).
        out += ',' + (ev[0] === 'f' && i === 9 && ev[i] !== -1 ? tenths(ev[i]) : ev[i]);
      }
      return out;
    }).join(';');
  };

  var forms = new WeakMap();

  function attach(form, opts) {
    if (typeof form === 'string') form = d.querySelector(form);
    if (!form || form.tagName !== 'FORM') throw new Error('tollgate: attach needs a form');
    if (forms.has(form)) return forms.get(form);
    opts = opts || {};
    var fieldName = opts.field || 'tollgate_behavior';
    var nav = P.getEntriesByType && P.getEntriesByType('navigation')[0];
    var load = nav && nav.domContentLoadedEventStart > 0 ? nav.domContentLoadedEventStart : now();
    var states = new Map(), list = [], names = {}, total = 0, bytes = 200, dropped = 0;
    var obs = Infinity, lastT = -1, lastClick = null, lastEnter = null, lastWrite = -1e9;

    var state = function (el, atAttach) {
      if (!el || el.form !== form || !/^(INPUT|TEXTAREA)$/.test(el.tagName) || SKIP.test(el.type)) return null;
      var st = states.get(el);
      if (st || list.length >= MAX_FIELDS) return st || null;
      // Names are cut to 30 code points (at most 120 UTF-8 bytes).
      var n = Array.from(el.name || el.id || '#' + list.length).slice(0, 30).join('');
      if (names[n]) n = Array.from(n).slice(0, 26).join('') + '#' + list.length;
      names[n] = 1;
      bytes += JSON.stringify(n).length + 40;
      var len = el.value.length;
      // A field seen after attach counts as prefilled only with its default value.
      var l0 = atAttach || el.value === el.defaultValue ? len : 0;
      st = { el: el, n: n, l0: l0, l: l0, a: autofilled(el), e: [], k: {}, bi: null };
      states.set(el, st);
      list.push(st);
      return st;
    };
    Array.from(form.elements).forEach(function (el) { state(el, true); });

    // build makes [type, timeStamp, now-timeStamp, flags, ...rest].
    var build = function (e, type, fl, rest) {
      var h = now(), ts = e ? e.timeStamp : h;
      if (ts > 1e12 && P.timeOrigin) ts -= P.timeOrigin;
      if (!(ts > 0)) { ts = h; fl |= 128; }
      if (e && !e.isTrusted) fl |= 1;
      if (lastT >= 0 && ts !== lastT) obs = Math.min(obs, Math.abs(ts - lastT));
      lastT = ts;
      return [type, r1(ts), r1(h - ts), fl].concat(rest || []);
    };
    var push = function (st, ev) {
      var size = JSON.stringify(ev).length + 1;
      if (st.e.length >= MAX_FIELD || total >= MAX_EVENTS || bytes + size > MAX_BYTES) { dropped++; return -1; }
      bytes += size; total++;
      st.e.push(ev);
      return st.e.length - 1;
    };
    // A beforeinput waits for its input, which carries it as flag 256; it
    // is recorded on its own only if no matching input follows.
    var flush = function (st) { if (st.bi) { push(st, st.bi); st.bi = null; } };
    var rec = function (st, e, type, fl, rest) { flush(st); return push(st, build(e, type, fl, rest)); };
    var checkValue = function (st, e) {
      var len = st.el.value.length;
      if (len !== st.l) { rec(st, e, 'v', autofilled(st.el) ? 32 : 0, [len - st.l]); st.l = len; }
    };
    var on = function (type, fn) {
      form.addEventListener(type, function (e) {
        var st = state(e.target, false);
        if (st) fn(st, e);
      }, true);
    };
    var keyFlags = function (e) {
      return (e.repeat ? 2 : 0) | (e.isComposing || e.keyCode === 229 ? 8 : 0) |
        (e.ctrlKey || e.metaKey || e.altKey ? 16 : 0);
    };

    on('focus', function (st, e) {
      checkValue(st, e);
      if (autofilled(st.el)) st.a = true;
      rec(st, e, 'f', 0, [st.l].concat(takePointer()));
    });
    on('blur', function (st, e) { checkValue(st, e); rec(st, e, 'b', 0, [st.l]); });
    on('keydown', function (st, e) {
      var c = category(e), fl = keyFlags(e), k = e.key;
      var caps = e.getModifierState && e.getModifierState('CapsLock');
      if (c === 'l' && k !== k.toLowerCase() && !e.shiftKey && !caps) fl |= 4;
      var i = rec(st, e, 'd', fl, [c]);
      if (i >= 0 && !e.repeat) st.k[e.code || k] = i;
      if (k === 'Enter') lastEnter = { t: now(), ok: e.isTrusted };
    });
    on('keyup', function (st, e) {
      var id = e.code || e.key, ref = id in st.k ? st.k[id] : -1;
      delete st.k[id];
      rec(st, e, 'u', keyFlags(e), [category(e), ref]);
    });
    on('beforeinput', function (st, e) {
      flush(st);
      st.bi = build(e, 'bi', e.isComposing ? 8 : 0, [e.inputType || '']);
    });
    on('input', function (st, e) {
      var len = st.el.value.length, fl = e.isComposing ? 8 : 0, it = e.inputType || '';
      if (st.bi && st.bi[4] === it) { fl |= 256; st.bi = null; }
      if (autofilled(st.el)) { st.a = true; fl |= 32; }
      rec(st, e, 'i', fl, [it, len - st.l]);
      st.l = len;
    });
    on('paste', function (st, e) { rec(st, e, 'p', 0); });
    ['compositionstart', 'compositionupdate', 'compositionend'].forEach(function (type) {
      on(type, function (st, e) { rec(st, e, 'c' + type.charAt(11), 0); });
    });
    form.addEventListener('click', function (e) {
      var b = e.target && e.target.closest && e.target.closest('button,input');
      if (b && b.form === form && /^(submit|image)$/.test(b.type)) lastClick = { t: now(), ok: e.isTrusted };
    }, true);

    // snapshot builds the telemetry JSON; e is the submit event (or null).
    var snapshot = function (e, fl) {
      list.forEach(function (st) { flush(st); checkValue(st, e); if (autofilled(st.el)) st.a = true; });
      var h = now(), ts = e && e.timeStamp > 0 ? e.timeStamp : h;
      if (ts > 1e12 && P.timeOrigin) ts -= P.timeOrigin;
      if (ts > h) ts = h;
      var via = '', trigger = null;
      if (lastClick && h - lastClick.t < 1000) { via = 'c'; trigger = lastClick; }
      else if (lastEnter && h - lastEnter.t < 1000) { via = 'k'; trigger = lastEnter; }
      if ((e && !e.isTrusted) || (trigger && !trigger.ok)) fl |= 1;
      var step = probe || (obs < Infinity ? r1(Math.max(obs, 0.1)) : 0);
      var doc = {
        v: 2, step: Math.min(step, 1000), wd: navigator.webdriver === true, ld: r1(load), x: dropped,
        s: [r1(ts), r1(h - ts), fl, via].concat(takePointer()),
        f: list.map(function (st) { return { n: st.n, l0: st.l0, l: st.l, a: st.a, e: enc(st.e) }; })
      };
      lastWrite = now();
      return JSON.stringify(doc);
    };
    var hidden = function () {
      var el = form.elements.namedItem(fieldName);
      if (!el || el.tagName !== 'INPUT') {
        el = d.createElement('input');
        el.type = 'hidden'; el.name = fieldName;
        form.appendChild(el);
      }
      return el;
    };
    d.addEventListener('submit', function (e) {
      if (e.target === form) hidden().value = snapshot(e, 0);
    }, true);
    // formdata also fires for form.submit(), which has no submit event.
    form.addEventListener('formdata', function (e) {
      if (now() - lastWrite > 100) e.formData.set(fieldName, snapshot(null, 64));
    });

    var api = {
      form: form,
      field: fieldName,
      // snapshot(event) returns the telemetry now, for pages that send the
      // form with fetch; pass the click or submit event that sends it.
      snapshot: function (e) { return snapshot(e || null, e ? 0 : 64); }
    };
    forms.set(form, api);
    return api;
  }

  T.behavior = { version: 1, attach: attach };
  var auto = function () {
    Array.from(d.querySelectorAll('form[data-tollgate]')).forEach(function (f) {
      attach(f, { field: f.getAttribute('data-tollgate') || undefined });
    });
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', auto);
  else auto();
})();
