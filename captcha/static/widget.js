/*! tollgate captcha widget. No dependencies, no build step (ES2017).
 *
 * Use: put <div data-tollgate-captcha></div> inside a form and load this
 * script with <script src="/tollgate/static/widget.js" defer></script>.
 * Its server is the captcha handler: the directory the script was loaded
 * from, minus /static/widget.js ({base} below).
 *
 * Managed mode (the default, for a widget inside a form): a compact state
 * ("Checking…", then "Verified") while a Web Worker ({base}/static/
 * pow-worker.js) solves a proof-of-work puzzle from POST {base}/pow into the
 * hidden field "tollgate_pow"; typing is never blocked. On submit the widget
 * sends the same-origin POST form itself with fetch (header X-Tollgate: 1;
 * it waits at most 3 s for the proof of work). When the server answers JSON
 * {"code":"challenge_required","challenge":{...}}, the map challenge opens
 * inline and the typed values stay; the person answers and submits again.
 * A redirected answer is followed with location.assign, an HTML answer
 * replaces the document, a JSON error is shown in the widget.
 *
 * Always mode (data-tollgate-mode="always", or no form): the map challenge
 * is shown at once.
 *
 * The challenge shows a map with zoom and pan (Pointer Events: drag, pinch;
 * mouse wheel; buttons; keyboard + - 0 and arrows), offers a new challenge
 * and an audio alternative (switching to audio uses no new challenge),
 * verifies the answer when the form is submitted and then sends the form
 * with a verification token (field "tollgate_token") and the challenge id
 * (field "tollgate_id"). The token is bound to that challenge and to the
 * action the widget names when it verifies: data-tollgate-action, else the
 * path of the URL the form posts to, which is what the server's Require
 * expects by default. It also starts the behavior collector
 * ({base}/behavior.js) on the same form.
 *
 * Attributes of the element (all optional):
 *   data-tollgate-captcha   "audio" to start with the audio challenge
 *   data-tollgate-mode      "managed" (default) or "always"
 *   data-tollgate-theme     "light" or "dark"; default: the system's
 *                           (prefers-color-scheme)
 *   data-tollgate-lang      language of the texts and challenge ("ko", "en");
 *                           default: the nearest lang attribute, then the browser
 *   data-tollgate-texts     JSON object of texts that replace the built-in ones
 *   data-tollgate-base      URL of the captcha handler (default from the script src)
 *   data-tollgate-fields    "id,answer,token,pow" form field names
 *   data-tollgate-action    the action the token is for (on the element or
 *                           the form); default: the path of the form's action URL
 *   data-tollgate-behavior  "off", or the telemetry field name
 *   data-tollgate-error     a message to announce when the widget starts
 * Global text overrides: window.TollgateTexts = {en: {...}, ko: {...}} before
 * the script runs. API: Tollgate.captcha.render(element, options).
 */
(function () {
  'use strict';
  var w = window, d = document;
  var T = w.Tollgate = w.Tollgate || {};
  if (T.captcha) return;

  var defaultBase = '/tollgate';
  var cur = d.currentScript;
  if (cur && cur.src) {
    var m = /^(.*)\/static\/widget\.js(?:[?#].*)?$/.exec(cur.src);
    if (m) defaultBase = m[1];
  }

  var TEXTS = {
    en: {
      title: 'Security check',
      brand: 'Protected by tollgate',
      checking: 'Checking…',
      checked: 'Verified',
      ready: 'Ready',
      sending: 'Sending…',
      solvePuzzle: 'Solve the puzzle to continue.',
      sendFailed: 'The form could not be sent. Check your connection and try again.',
      loading: 'Loading the challenge…',
      mapLabel: 'Map for the security question. Use plus and minus to zoom, arrow keys to move, 0 to reset.',
      mapAlt: 'Map with a marked place',
      zoomIn: 'Zoom in',
      zoomOut: 'Zoom out',
      zoomReset: 'Reset zoom',
      answer: 'Your answer',
      placeholderImage: 'Name shown on the map',
      placeholderAudio: 'Digits you hear',
      newChallenge: 'New challenge',
      toAudio: 'Audio challenge',
      toImage: 'Map challenge',
      play: 'Play audio',
      pause: 'Pause',
      audioHint: 'Listen to the clip: it says which digits to type. You can play it again.',
      audioReady: 'Audio challenge ready. Press Play audio.',
      imageReady: 'New map loaded.',
      verifying: 'Checking your answer…',
      verified: 'Answer accepted.',
      empty: 'Type your answer to the security question.',
      wrongOne: 'That answer is not right. 1 try left.',
      wrongMany: 'That answer is not right. {n} tries left.',
      tooMany: 'Too many wrong answers. Here is a new challenge.',
      expired: 'The challenge expired. Here is a new one.',
      refreshesLeft: '{n} new challenges left.',
      refreshLeftOne: '1 new challenge left.',
      refreshLimit: 'You have used all new challenges for now. Answer this one, or reload the page to start over.',
      busy: 'Too many requests. Please try again in {n} seconds.',
      busyOne: 'Too many requests. Please try again in 1 second.',
      unavailable: 'The security check is temporarily unavailable. Please try again in {n} seconds.',
      unavailableOne: 'The security check is temporarily unavailable. Please try again in 1 second.',
      unavailableNow: 'The security check is temporarily unavailable. Please try again in a moment.',
      failed: 'The security check could not be loaded. Check your connection and try again.',
      retry: 'Try again',
      audioError: 'The audio could not be played. Try a new challenge.'
    },
    ko: {
      title: '보안 확인',
      brand: 'tollgate 보호',
      checking: '확인 중…',
      checked: '확인 완료',
      ready: '준비 완료',
      sending: '보내는 중…',
      solvePuzzle: '계속하려면 문제를 풀어 주세요.',
      sendFailed: '양식을 보내지 못했습니다. 연결을 확인하고 다시 시도하세요.',
      loading: '문제를 불러오는 중…',
      mapLabel: '보안 질문 지도입니다. 더하기와 빼기로 확대·축소하고, 화살표 키로 이동하고, 0으로 되돌립니다.',
      mapAlt: '장소가 표시된 지도',
      zoomIn: '확대',
      zoomOut: '축소',
      zoomReset: '원래 크기',
      answer: '정답',
      placeholderImage: '지도에 표시된 이름',
      placeholderAudio: '들리는 숫자',
      newChallenge: '새 문제',
      toAudio: '음성 문제',
      toImage: '지도 문제',
      play: '음성 재생',
      pause: '일시 정지',
      audioHint: '음성 안내에 따라 숫자를 입력하세요. 다시 들을 수 있습니다.',
      audioReady: '음성 문제가 준비되었습니다. 음성 재생을 누르세요.',
      imageReady: '새 지도를 불러왔습니다.',
      verifying: '정답을 확인하는 중…',
      verified: '정답이 확인되었습니다.',
      empty: '보안 질문의 정답을 입력하세요.',
      wrongOne: '정답이 아닙니다. 1번 더 시도할 수 있습니다.',
      wrongMany: '정답이 아닙니다. {n}번 더 시도할 수 있습니다.',
      tooMany: '오답이 너무 많습니다. 새 문제를 드립니다.',
      expired: '시간이 지났습니다. 새 문제를 드립니다.',
      refreshesLeft: '새 문제를 {n}번 더 받을 수 있습니다.',
      refreshLeftOne: '새 문제를 1번 더 받을 수 있습니다.',
      refreshLimit: '새 문제를 모두 사용했습니다. 이 문제에 답하거나 페이지를 새로 고쳐 다시 시작하세요.',
      busy: '요청이 너무 많습니다. {n}초 후에 다시 시도하세요.',
      busyOne: '요청이 너무 많습니다. 1초 후에 다시 시도하세요.',
      unavailable: '보안 확인을 잠시 사용할 수 없습니다. {n}초 후에 다시 시도하세요.',
      unavailableOne: '보안 확인을 잠시 사용할 수 없습니다. 1초 후에 다시 시도하세요.',
      unavailableNow: '보안 확인을 잠시 사용할 수 없습니다. 잠시 후에 다시 시도하세요.',
      failed: '보안 확인을 불러오지 못했습니다. 연결을 확인하고 다시 시도하세요.',
      retry: '다시 시도',
      audioError: '음성을 재생하지 못했습니다. 새 문제를 받아 보세요.'
    }
  };

  var ICONS = {
    plus: '<path d="M12 5v14M5 12h14"/>',
    minus: '<path d="M5 12h14"/>',
    reset: '<path d="M4 9V4h5M20 15v5h-5M4 4l6 6M20 20l-6-6"/>',
    refresh: '<path d="M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7"/>',
    audio: '<path d="M4 9v6h4l5 4V5L8 9H4z"/><path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12"/>',
    map: '<path d="M9 4 3 6v14l6-2 6 2 6-2V4l-6 2-6-2zM9 4v14M15 6v14"/>',
    play: '<path d="M7 4.5v15l13-7.5z" fill="currentColor" stroke="none"/>',
    pause: '<path d="M6.5 5h4v14h-4zM13.5 5h4v14h-4z" fill="currentColor" stroke="none"/>',
    shield: '<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.2 7.5 9.5 4.3-1.3 7.5-4.9 7.5-9.5V6L12 3z"/><path d="m8.8 12.2 2.2 2.2 4.4-4.6"/>',
    check: '<path d="m5 12.5 4.5 4.5L19 7.5"/>'
  };
  var icon = function (name) {
    return '<svg class="tg-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" ' +
      'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' +
      ICONS[name] + '</svg>';
  };

  var MAX_SCALE = 4;
  var uid = 0;

  var pickLang = function (tag) {
    var p = String(tag || '').toLowerCase().split(/[-_]/)[0];
    return TEXTS[p] ? p : 'en';
  };
  var assign = function (dst) {
    for (var i = 1; i < arguments.length; i++) {
      var src = arguments[i];
      if (src && typeof src === 'object') {
        Object.keys(src).forEach(function (k) { if (typeof src[k] === 'string') dst[k] = src[k]; });
      }
    }
    return dst;
  };
  var parseJSON = function (s) {
    if (!s) return null;
    try { return JSON.parse(s); } catch (e) { return null; }
  };
  var fmt = function (s, n) { return String(s).replace('{n}', String(n)); };
  // plural is the form of a count message for n in lang: one where the
  // language's rule calls n "one" (English 1; Korean has no such form),
  // else other, with {n} filled in.
  var plural = function (lang, n, one, other) {
    var cat = n === 1 ? 'one' : 'other';
    try { cat = new Intl.PluralRules(lang).select(n); } catch (e) { /* no Intl: the English rule */ }
    return fmt(cat === 'one' ? one : other, n);
  };
  // refusal is the message for an answer that says "not now": a store
  // outage (code "store") or a 503 without a code (overload, or a limit's
  // store out of reach) is a temporary unavailability, a 429 without a code
  // too many requests; '' for anything else. retryAfter is in seconds.
  var refusal = function (t, lang, status, code, retryAfter) {
    if (code === 'store' || (status === 503 && !code)) {
      return retryAfter > 0 ? plural(lang, retryAfter, t.unavailableOne, t.unavailable) : t.unavailableNow;
    }
    if (status === 429 && !code) return plural(lang, retryAfter > 0 ? retryAfter : 1, t.busyOne, t.busy);
    return '';
  };
  var el = function (tag, attrs, html) {
    var e = d.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (html != null) e.innerHTML = html;
    return e;
  };
  var setText = function (e, s) { e.textContent = s; };
  var setDisabled = function (b, off) {
    if (off) b.setAttribute('aria-disabled', 'true'); else b.removeAttribute('aria-disabled');
  };
  var isDisabled = function (b) { return b.getAttribute('aria-disabled') === 'true'; };
  var clock = function (s) {
    s = Math.max(0, Math.floor(s || 0));
    return Math.floor(s / 60) + ':' + (s % 60 < 10 ? '0' : '') + (s % 60);
  };

  function render(root, opts) {
    if (!root || root.nodeType !== 1) throw new Error('tollgate: render needs an element');
    if (root.__tollgate) return root.__tollgate;
    opts = opts || {};
    var ds = root.dataset;
    var langEl = root.closest('[lang]');
    var lang = pickLang(opts.lang || ds.tollgateLang || (langEl && langEl.getAttribute('lang')) ||
      d.documentElement.lang || navigator.language);
    var globalTexts = w.TollgateTexts || {};
    var t = assign({}, TEXTS.en, TEXTS[lang], globalTexts[lang], parseJSON(ds.tollgateTexts), opts.texts);
    var base = String(opts.base || ds.tollgateBase || defaultBase).replace(/\/+$/, '');
    var names = String(opts.fields || ds.tollgateFields || 'tollgate_id,tollgate_answer,tollgate_token').split(',');
    var idName = (names[0] || '').trim() || 'tollgate_id';
    var answerName = (names[1] || '').trim() || 'tollgate_answer';
    var tokenName = (names[2] || '').trim() || 'tollgate_token';
    var powName = (names[3] || '').trim() || 'tollgate_pow';
    var behaviorOpt = opts.behavior != null ? String(opts.behavior) : (ds.tollgateBehavior || '');
    var behaviorField = behaviorOpt === 'off' ? '' : (behaviorOpt || 'tollgate_behavior');
    var startKind = (opts.kind || ds.tollgateCaptcha) === 'audio' ? 'audio' : 'image';
    var form = root.closest('form');
    // Managed mode sends the form itself: it needs one.
    var managed = !!form && String(opts.mode || ds.tollgateMode || 'managed') !== 'always';
    var theme = String(opts.theme || ds.tollgateTheme || '');
    // The action is read when verifying: the form's target may change.
    var actionName = function () {
      var a = opts.action != null ? opts.action : (ds.tollgateAction != null ? ds.tollgateAction :
        (form && form.dataset.tollgateAction != null ? form.dataset.tollgateAction : null));
      if (a != null) return String(a);
      // getAttribute, not form.action: a control named "action" shadows it.
      var target = (form && form.getAttribute('action')) || location.href;
      try { return new URL(target, location.href).pathname; } catch (e) { return location.pathname; }
    };
    var n = ++uid, pre = 'tg' + n + '-';
    var abs = function (u) { try { return new URL(u, base + '/').href; } catch (e) { return u; } };

    // ---- DOM ----
    root.classList.add('tg');
    root.setAttribute('lang', lang);
    root.setAttribute('data-mode', managed ? 'managed' : 'always');
    if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
    root.innerHTML = '';
    var box = el('div', { 'class': 'tg-box', role: 'group', 'aria-labelledby': pre + 'title' });
    var head = el('div', { 'class': 'tg-head' });
    head.appendChild(el('span', { 'class': 'tg-title', id: pre + 'title' }, icon('shield')));
    head.firstChild.appendChild(d.createTextNode(t.title));
    head.appendChild(el('span', { 'class': 'tg-brand' })).textContent = t.brand;
    box.appendChild(head);

    // Managed mode's compact state: a mark and the status line.
    var compact = el('div', { 'class': 'tg-compact' });
    var mark = el('span', { 'class': 'tg-mark', 'aria-hidden': 'true' });
    compact.appendChild(mark);
    if (managed) box.appendChild(compact);

    var prompt = el('p', { 'class': 'tg-prompt', id: pre + 'prompt' });
    setText(prompt, t.loading);
    box.appendChild(prompt);

    // Image view: the stage clips the transformed image; controls sit on top.
    var view = el('div', { 'class': 'tg-view' });
    var stage = el('div', {
      'class': 'tg-stage tg-loading', tabindex: '0', role: 'img', 'aria-roledescription': 'map',
      'aria-label': t.mapLabel, 'data-scale': '1'
    });
    var img = el('img', { 'class': 'tg-img', alt: '', draggable: 'false', decoding: 'async' });
    stage.appendChild(img);
    view.appendChild(stage);
    var zoom = el('div', { 'class': 'tg-zoom' });
    var zin = el('button', { type: 'button', 'class': 'tg-zbtn', 'aria-label': t.zoomIn, title: t.zoomIn }, icon('plus'));
    var zout = el('button', { type: 'button', 'class': 'tg-zbtn', 'aria-label': t.zoomOut, title: t.zoomOut }, icon('minus'));
    var zreset = el('button', { type: 'button', 'class': 'tg-zbtn', 'aria-label': t.zoomReset, title: t.zoomReset }, icon('reset'));
    zoom.appendChild(zin); zoom.appendChild(zout); zoom.appendChild(zreset);
    view.appendChild(zoom);
    var retry = el('button', { type: 'button', 'class': 'tg-retry', hidden: '' });
    setText(retry, t.retry);
    view.appendChild(retry);
    box.appendChild(view);

    // Audio view.
    var listen = el('div', { 'class': 'tg-audio', hidden: '' });
    var play = el('button', { type: 'button', 'class': 'tg-play', 'aria-describedby': pre + 'prompt' });
    var playLabel = el('span');
    play.innerHTML = icon('play');
    play.appendChild(playLabel);
    setText(playLabel, t.play);
    var time = el('span', { 'class': 'tg-time', 'aria-hidden': 'true' });
    setText(time, '0:00');
    var meter = el('div', { 'class': 'tg-meter', 'aria-hidden': 'true' }, '<span></span>');
    var hint = el('p', { 'class': 'tg-hint' });
    setText(hint, t.audioHint);
    var audio = el('audio', { preload: 'auto' });
    listen.appendChild(play); listen.appendChild(meter); listen.appendChild(time);
    listen.appendChild(hint); listen.appendChild(audio);
    box.appendChild(listen);

    var field = el('div', { 'class': 'tg-field' });
    var label = el('label', { 'for': pre + 'answer', 'class': 'tg-label' });
    setText(label, t.answer);
    var input = el('input', {
      id: pre + 'answer', name: answerName, type: 'text', 'class': 'tg-input', autocomplete: 'off',
      autocapitalize: 'off', autocorrect: 'off', spellcheck: 'false', maxlength: '64', 'aria-required': 'true',
      'aria-describedby': pre + 'prompt ' + pre + 'alert', placeholder: t.placeholderImage, enterkeyhint: 'go'
    });
    field.appendChild(label); field.appendChild(input);
    box.appendChild(field);

    var actions = el('div', { 'class': 'tg-actions' });
    var fresh = el('button', { type: 'button', 'class': 'tg-btn' }, icon('refresh'));
    fresh.appendChild(el('span')).textContent = t.newChallenge;
    var swap = el('button', { type: 'button', 'class': 'tg-btn' }, icon('audio'));
    var swapLabel = swap.appendChild(el('span'));
    setText(swapLabel, t.toAudio);
    actions.appendChild(fresh); actions.appendChild(swap);
    box.appendChild(actions);

    var alert = el('p', { 'class': 'tg-alert', id: pre + 'alert', role: 'alert', 'aria-live': 'assertive' });
    var status = el('p', { 'class': 'tg-status', role: 'status', 'aria-live': 'polite' });
    box.appendChild(alert);
    (managed ? compact : box).appendChild(status);

    var hid = el('input', { type: 'hidden', name: idName });
    var tok = el('input', { type: 'hidden', name: tokenName });
    var powIn = el('input', { type: 'hidden', name: powName });
    box.appendChild(hid); box.appendChild(tok);
    if (managed) box.appendChild(powIn);
    root.appendChild(box);

    // ---- state ----
    var ch = null, kind = startKind, busy = false, token = '', hiRes = false, noMore = false;
    var saved = null, restore = null, submitter = null;
    var layout = managed ? 'compact' : 'puzzle', sending = false, pending = null;

    var setState = function (s) { root.setAttribute('data-state', s); box.setAttribute('aria-busy', s === 'loading' || s === 'verifying' ? 'true' : 'false'); };
    var say = function (msg) { setText(status, ''); setText(status, msg || ''); };
    var warn = function (msg) {
      setText(alert, msg || '');
      if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    };
    var setView = function (v) { layout = v; root.setAttribute('data-view', v); };
    // setCheck shows the compact state: checking, done (verified), ready
    // (no proof of work to do) or sending.
    var setCheck = function (s, msg) {
      root.setAttribute('data-check', s);
      mark.innerHTML = s === 'done' ? icon('check') : s === 'ready' ? icon('shield') : '';
      if (msg != null) say(msg);
    };
    var fire = function (name, detail) {
      try { root.dispatchEvent(new CustomEvent('tollgate:' + name, { bubbles: true, detail: detail || {} })); } catch (e) { /* old browser */ }
    };

    // ---- zoom and pan ----
    var z = { s: 1, x: 0, y: 0 };
    var apply = function () {
      var W = stage.clientWidth, H = stage.clientHeight;
      z.s = Math.min(MAX_SCALE, Math.max(1, z.s));
      z.x = Math.min(0, Math.max(W - W * z.s, z.x));
      z.y = Math.min(0, Math.max(H - H * z.s, z.y));
      img.style.transform = 'translate(' + z.x.toFixed(2) + 'px,' + z.y.toFixed(2) + 'px) scale(' + z.s.toFixed(4) + ')';
      stage.setAttribute('data-scale', z.s.toFixed(2));
      stage.classList.toggle('tg-zoomed', z.s > 1.001);
      setDisabled(zin, z.s >= MAX_SCALE - 0.001);
      setDisabled(zout, z.s <= 1.001);
      setDisabled(zreset, z.s <= 1.001);
      if (z.s > 1.15 && ch && ch.mediaUrl2x && !hiRes) {
        hiRes = true;
        var want = ch.id, hi = new Image();
        hi.onload = function () { if (ch && ch.id === want) img.src = hi.src; };
        hi.src = abs(ch.mediaUrl2x);
      }
    };
    var zoomAt = function (f, px, py) {
      var ns = Math.min(MAX_SCALE, Math.max(1, z.s * f));
      z.x = px - (px - z.x) * ns / z.s;
      z.y = py - (py - z.y) * ns / z.s;
      z.s = ns;
      apply();
    };
    var center = function (f) { zoomAt(f, stage.clientWidth / 2, stage.clientHeight / 2); };
    var resetZoom = function () { z.s = 1; z.x = 0; z.y = 0; apply(); };
    var tap = function (b, fn) {
      b.addEventListener('click', function (e) { e.preventDefault(); if (!isDisabled(b)) fn(); });
    };
    tap(zin, function () { center(1.5); });
    tap(zout, function () { center(1 / 1.5); });
    tap(zreset, resetZoom);

    var pts = new Map();
    var local = function (e) { var r = stage.getBoundingClientRect(); return { x: e.clientX - r.left, y: e.clientY - r.top }; };
    var pair = function () {
      var a = Array.from(pts.values());
      return {
        dist: Math.hypot(a[0].x - a[1].x, a[0].y - a[1].y),
        x: (a[0].x + a[1].x) / 2, y: (a[0].y + a[1].y) / 2
      };
    };
    stage.addEventListener('pointerdown', function (e) {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      try { stage.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
      pts.set(e.pointerId, local(e));
      stage.classList.add('tg-drag');
    });
    stage.addEventListener('pointermove', function (e) {
      if (!pts.has(e.pointerId)) return;
      var p = local(e), prev = pts.get(e.pointerId);
      if (pts.size >= 2) {
        var before = pair();
        pts.set(e.pointerId, p);
        var after = pair();
        z.x += after.x - before.x;
        z.y += after.y - before.y;
        if (before.dist > 0) zoomAt(after.dist / before.dist, after.x, after.y); else apply();
        e.preventDefault();
        return;
      }
      pts.set(e.pointerId, p);
      if (z.s > 1) {
        z.x += p.x - prev.x;
        z.y += p.y - prev.y;
        apply();
        e.preventDefault();
      }
    });
    var lift = function (e) {
      pts.delete(e.pointerId);
      if (!pts.size) stage.classList.remove('tg-drag');
    };
    stage.addEventListener('pointerup', lift);
    stage.addEventListener('pointercancel', lift);
    stage.addEventListener('lostpointercapture', lift);
    stage.addEventListener('wheel', function (e) {
      if (!ch || kind !== 'image') return;
      e.preventDefault();
      var dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * 400 : e.deltaY;
      var p = local(e);
      zoomAt(Math.exp(-Math.max(-300, Math.min(300, dy)) * 0.0025), p.x, p.y);
    }, { passive: false });
    stage.addEventListener('dblclick', function (e) {
      var p = local(e);
      if (z.s >= MAX_SCALE - 0.001) resetZoom(); else zoomAt(2, p.x, p.y);
    });
    stage.addEventListener('keydown', function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var step = Math.max(24, stage.clientWidth * 0.1);
      switch (e.key) {
        case '+': case '=': case 'Add': center(1.5); break;
        case '-': case '_': case 'Subtract': center(1 / 1.5); break;
        case '0': case 'Home': resetZoom(); break;
        case 'ArrowLeft': z.x += step; apply(); break;
        case 'ArrowRight': z.x -= step; apply(); break;
        case 'ArrowUp': z.y += step; apply(); break;
        case 'ArrowDown': z.y -= step; apply(); break;
        default: return;
      }
      e.preventDefault();
    });
    if (w.ResizeObserver) new ResizeObserver(function () { apply(); }).observe(stage);
    img.addEventListener('load', function () {
      stage.classList.remove('tg-loading');
      if (img.naturalWidth && img.naturalHeight) {
        stage.style.aspectRatio = img.naturalWidth + ' / ' + img.naturalHeight;
      }
      apply();
    });
    img.addEventListener('error', function () {
      if (ch && kind === 'image') failed();
    });

    // ---- audio ----
    var paint = function () {
      var dur = isFinite(audio.duration) ? audio.duration : 0;
      setText(time, clock(audio.currentTime) + (dur ? ' / ' + clock(dur) : ''));
      meter.firstChild.style.width = (dur ? Math.min(100, 100 * audio.currentTime / dur) : 0) + '%';
      var playing = !audio.paused && !audio.ended;
      play.firstChild.outerHTML = icon(playing ? 'pause' : 'play');
      setText(playLabel, playing ? t.pause : t.play);
      play.setAttribute('aria-pressed', playing ? 'true' : 'false');
    };
    ['timeupdate', 'play', 'pause', 'ended', 'loadedmetadata', 'durationchange'].forEach(function (ev) {
      audio.addEventListener(ev, paint);
    });
    audio.addEventListener('error', function () { if (ch && kind === 'audio') warn(t.audioError); });
    play.addEventListener('click', function (e) {
      e.preventDefault();
      if (!ch || kind !== 'audio') return;
      if (audio.paused || audio.ended) {
        var p = audio.play();
        if (p && p.catch) p.catch(function () { warn(t.audioError); });
      } else audio.pause();
    });

    // ---- challenges ----
    var post = function (path, body) {
      return fetch(base + path, {
        method: 'POST', credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(body || {})
      }).then(function (r) {
        var ra = parseInt(r.headers.get('Retry-After') || '', 10);
        var date = Date.parse(r.headers.get('Date') || '') || 0;
        return r.text().then(function (text) {
          return { status: r.status, ok: r.ok, data: parseJSON(text), retryAfter: ra > 0 ? ra : 0, date: date };
        });
      }, function () { return { status: 0, ok: false, data: null, retryAfter: 0, date: 0 }; });
    };

    var show = function (c, announce) {
      ch = c; kind = c.kind === 'audio' ? 'audio' : 'image';
      token = ''; tok.value = ''; hid.value = c.id; hiRes = false;
      input.value = ''; input.readOnly = false;
      input.setAttribute('placeholder', kind === 'audio' ? t.placeholderAudio : t.placeholderImage);
      input.setAttribute('inputmode', kind === 'audio' ? 'numeric' : 'text');
      setText(prompt, c.prompt || '');
      root.setAttribute('data-kind', kind);
      root.setAttribute('data-challenge', c.id);
      retry.hidden = true;
      swap.innerHTML = icon(kind === 'audio' ? 'map' : 'audio');
      swapLabel = swap.appendChild(el('span'));
      setText(swapLabel, kind === 'audio' ? t.toImage : t.toAudio);
      if (kind === 'audio') {
        view.hidden = true; listen.hidden = false;
        img.removeAttribute('src');
        audio.src = abs(c.mediaUrl);
        audio.load();
        paint();
      } else {
        listen.hidden = true; view.hidden = false;
        audio.pause(); audio.removeAttribute('src');
        stage.classList.add('tg-loading');
        resetZoom();
        var url = (w.devicePixelRatio || 1) > 1.3 && c.mediaUrl2x ? c.mediaUrl2x : c.mediaUrl;
        if (url === c.mediaUrl2x) hiRes = true;
        img.alt = t.mapAlt;
        img.src = abs(url);
      }
      setDisabled(fresh, noMore);
      // Switching to audio uses no refresh: only the way back is closed.
      setDisabled(swap, noMore && kind === 'audio');
      setState('ready');
      if (announce) say(announce);
      fire('challenge', { id: c.id, kind: kind });
    };

    var failed = function (res) {
      busy = false;
      setState('error');
      warn((res && refusal(t, lang, res.status, res.data && res.data.code, res.retryAfter)) || t.failed);
      if (!ch) {
        stage.classList.remove('tg-loading');
        retry.hidden = false;
      }
      fire('error', { status: res ? res.status : 0 });
    };

    // load gets a challenge: a new screen (create) or, with refresh, a new
    // challenge on the current screen (counts against the refresh limit).
    var load = function (wantKind, refresh, announce) {
      if (busy) return Promise.resolve();
      busy = true;
      setState('loading');
      var body = { kind: wantKind, lang: lang };
      var path = refresh && ch ? '/challenge/' + encodeURIComponent(ch.id) + '/refresh' : '/challenge';
      var free = refresh && ch && wantKind === 'audio' && kind !== 'audio';
      return post(path, body).then(function (res) {
        busy = false;
        if (res.ok && res.data && res.data.ok) {
          var left = res.data.refreshesLeft;
          if (refresh && typeof left === 'number') {
            noMore = left <= 0;
            if (!free) announce = (announce ? announce + ' ' : '') + plural(lang, left, t.refreshLeftOne, t.refreshesLeft);
          } else if (!refresh) noMore = typeof left === 'number' && left <= 0;
          show(res.data, announce);
          return;
        }
        var code = res.data && res.data.code;
        if (code === 'refresh_limit') {
          noMore = true;
          setDisabled(fresh, true); setDisabled(swap, kind === 'audio');
          setState(ch ? 'ready' : 'error');
          warn(t.refreshLimit);
          fire('refresh-limit', {});
          return;
        }
        if (refresh && res.data && (res.data.newChallenge || res.data.restart)) {
          // The screen is gone (expired): start a new one.
          return load(wantKind, false, announce);
        }
        failed(res);
      });
    };

    var fresh1 = function () {
      if (!isDisabled(fresh)) { warn(''); load(kind, true, kind === 'audio' ? t.audioReady : t.imageReady); } else if (noMore) warn(t.refreshLimit);
    };
    fresh.addEventListener('click', function (e) { e.preventDefault(); fresh1(); });
    swap.addEventListener('click', function (e) {
      e.preventDefault();
      if (isDisabled(swap)) { if (noMore) warn(t.refreshLimit); return; }
      warn('');
      var next = kind === 'audio' ? 'image' : 'audio';
      load(next, true, next === 'audio' ? t.audioReady : t.imageReady).then(function () {
        if (ch && kind === next) (next === 'audio' ? play : stage).focus();
      });
    });
    retry.addEventListener('click', function (e) { e.preventDefault(); warn(''); load(kind, false); });

    // ---- proof of work (managed mode) ----
    // A stale solution (its puzzle expired) is dropped and worked out again
    // on the next use of the form. Every failure ends in the ready state:
    // the proof of work only lowers the chance of a challenge.
    var pow = { state: 'off', gen: 0, worker: null, timer: 0, waiters: [] };
    var powStop = function () {
      pow.gen++;
      if (pow.worker) { try { pow.worker.terminate(); } catch (e) { /* gone */ } }
      pow.worker = null;
      clearTimeout(pow.timer);
      var ws = pow.waiters;
      pow.waiters = [];
      ws.forEach(function (f) { f(); });
    };
    var powEnd = function (state, quiet) {
      powStop();
      pow.state = state;
      if (!quiet && layout === 'compact' && !sending) {
        setCheck(state === 'done' ? 'done' : 'ready', state === 'done' ? t.checked : t.ready);
      }
      if (state === 'done') fire('pow', {});
    };
    var powStart = function (quiet) {
      powStop();
      var gen = pow.gen;
      pow.state = 'running';
      powIn.value = '';
      if (!quiet) setCheck('checking', t.checking);
      if (!w.Worker || !w.fetch) { powEnd('none', quiet); return; }
      post('/pow', {}).then(function (res) {
        if (gen !== pow.gen) return;
        var p = res.data;
        if (!res.ok || !p || typeof p.challenge !== 'string' || typeof p.difficulty !== 'number') {
          powEnd('none', quiet); // no /pow route, a refusal, an outage
          return;
        }
        var wk;
        try { wk = new Worker(base + '/static/pow-worker.js'); } catch (e) { powEnd('none', quiet); return; }
        pow.worker = wk;
        wk.onmessage = function (e) {
          if (gen !== pow.gen) return;
          var sol = e.data && e.data.solution;
          if (typeof sol !== 'string' || !sol) { powEnd('none', quiet); return; }
          powIn.value = sol;
          powEnd('done', quiet);
          var life = Date.parse(p.expires) - (res.date || Date.now());
          if (life > 0) {
            var mine = pow.gen;
            pow.timer = setTimeout(function () {
              if (mine === pow.gen && pow.state === 'done') { powIn.value = ''; pow.state = 'stale'; }
            }, Math.max(0, life - 5000));
          }
        };
        wk.onerror = function (e) {
          if (e && e.preventDefault) e.preventDefault();
          if (gen === pow.gen) powEnd('none', quiet);
        };
        wk.postMessage({ challenge: p.challenge, difficulty: p.difficulty });
      });
    };
    // powWait resolves when the proof of work is over, or after ms.
    var powWait = function (ms) {
      if (pow.state !== 'running') return Promise.resolve();
      return new Promise(function (resolve) {
        setTimeout(resolve, ms);
        pow.waiters.push(resolve);
      });
    };
    if (managed) {
      form.addEventListener('focusin', function () { if (pow.state === 'stale') powStart(true); });
    }

    // ---- managed mode: the widget sends the form ----
    var attr = function (sub, name, formName) {
      var v = sub && sub.hasAttribute && sub.hasAttribute(name) ? sub.getAttribute(name) : form.getAttribute(formName);
      return v == null ? '' : String(v);
    };
    // capture reads the form as the browser would post it, at the moment of
    // the person's submit (the collector has just written the telemetry),
    // or returns null for a post that is not the widget's to send: another
    // origin (a custom header needs CORS) or not a POST.
    var capture = function (sub) {
      var url;
      try { url = new URL(attr(sub, 'formaction', 'action') || location.href, location.href); } catch (e) { return null; }
      if (url.origin !== location.origin || attr(sub, 'formmethod', 'method').toLowerCase() !== 'post') return null;
      var fd;
      try { fd = sub ? new FormData(form, sub) : new FormData(form); } catch (e) { fd = new FormData(form); }
      if (sub && sub.name && !fd.has(sub.name)) fd.append(sub.name, sub.value);
      // The server reads only these two encodings.
      return { fd: fd, url: url.href, multipart: attr(sub, 'formenctype', 'enctype').toLowerCase() === 'multipart/form-data' };
    };
    var urlencoded = function (fd) {
      var u = new URLSearchParams();
      fd.forEach(function (v, k) { u.append(k, typeof v === 'string' ? v : v.name); });
      return u;
    };
    var leave = function () {
      powStop();
      try { audio.pause(); } catch (e) { /* no audio */ }
    };
    // replace shows an HTML answer as the new page. Its scripts run in this
    // same window, so they must find no earlier widget or collector.
    var replace = function (html) {
      leave();
      try { delete w.Tollgate; } catch (e) { w.Tollgate = undefined; }
      d.open();
      d.write(html);
      d.close();
    };
    var send = function (req) {
      sending = true;
      var fd = req.fd;
      if (powIn.value) fd.set(powName, powIn.value); else fd.delete(powName);
      if (token && ch) { fd.set(tokenName, token); fd.set(idName, ch.id); }
      // A proof of work is single use: the server has it now.
      if (powIn.value) { powIn.value = ''; pow.state = 'spent'; }
      if (layout === 'compact') setCheck('sending', t.sending);
      box.setAttribute('aria-busy', 'true');
      return fetch(req.url, {
        method: 'POST', body: req.multipart ? fd : urlencoded(fd), credentials: 'same-origin',
        redirect: 'follow', cache: 'no-store',
        headers: { 'X-Tollgate': '1', 'Accept': 'text/html, application/json;q=0.9' }
      }).then(function (r) {
        if (r.redirected) { leave(); location.assign(r.url); return; }
        var ct = (r.headers.get('Content-Type') || '').toLowerCase();
        return r.text().then(function (text) {
          if (/^text\/html|^application\/xhtml\+xml/.test(ct)) { replace(text); return; }
          answered(r, /^application\/(.+\+)?json/.test(ct) ? parseJSON(text) : null);
        });
      }).catch(function () { answered(null, null); });
    };
    // answered handles an answer that stays on this page: a challenge to
    // solve, or an error to show.
    var answered = function (r, data) {
      sending = false;
      box.setAttribute('aria-busy', 'false');
      var code = data && data.code;
      if (code === 'challenge_required' && data.challenge && typeof data.challenge.id === 'string') {
        openPuzzle(data.challenge);
        return;
      }
      if (layout === 'compact') powStart(false);
      if (data && (data.newChallenge || data.restart)) {
        // The proof was refused or is gone (or the server wants a challenge
        // in any case): a new one.
        openPuzzle(null, code === 'missing_answer' || code === 'challenge_required' ? t.solvePuzzle : t.expired);
        return;
      }
      var status = r ? r.status : 0;
      var msg;
      var refused = refusal(t, lang, status, code, parseInt((r && r.headers.get('Retry-After')) || '', 10));
      if (refused) {
        msg = refused;
      } else if (code === 'wrong_answer') {
        var left = data.attemptsLeft || 0;
        msg = plural(lang, left, t.wrongOne, t.wrongMany);
      } else if (data && typeof data.error === 'string' && data.error && !code) {
        msg = data.error; // the host's own JSON error
      } else msg = t.sendFailed;
      warn(msg);
      fire('error', { status: status, code: code || '' });
    };
    // openPuzzle shows the challenge the server sent (c), or a new one.
    var openPuzzle = function (c, msg) {
      setView('puzzle');
      root.removeAttribute('data-check');
      mark.innerHTML = '';
      warn('');
      var focus = function () { if (ch) input.focus(); };
      if (c) {
        noMore = typeof c.refreshesLeft === 'number' && c.refreshesLeft <= 0;
        show(c, msg || t.solvePuzzle);
        focus();
        // A person who asked for audio gets it: the switch is free.
        if (startKind === 'audio' && kind !== 'audio') load('audio', true, t.solvePuzzle + ' ' + t.audioReady).then(focus);
      } else {
        load(startKind, false, msg || t.solvePuzzle).then(focus);
      }
      fire('challenge-required', {});
    };
    var managedSubmit = function (e) {
      if (e.defaultPrevented) return; // the page stopped it
      var sub = e.submitter || null;
      var req = capture(sub);
      if (!req) return; // the browser posts it
      e.preventDefault();
      if (busy || sending) return;
      pending = null;
      if (layout === 'puzzle') {
        if (!ch) return;
        if (token) { send(req); return; } // verified; sending failed before
        var answer = input.value.trim();
        if (!answer) {
          warn(t.empty);
          input.focus();
          return;
        }
        pending = req;
        verify(answer);
        return;
      }
      warn('');
      if (pow.state === 'stale') powStart(true);
      sending = true;
      powWait(3000).then(function () { send(req); });
    };

    // ---- verification on submit ----
    var resubmit = function () {
      restore = saved;
      busy = true; // the page is leaving; ignore further clicks
      try {
        if (form.requestSubmit) {
          if (submitter && submitter.form === form) form.requestSubmit(submitter); else form.requestSubmit();
          busy = false;
          return;
        }
      } catch (e) { /* fall back to submit() */ }
      busy = false;
      HTMLFormElement.prototype.submit.call(form);
    };

    var verify = function (answer) {
      busy = true;
      setState('verifying');
      warn('');
      say(t.verifying);
      return post('/challenge/' + encodeURIComponent(ch.id) + '/verify', { answer: answer, action: actionName() }).then(function (res) {
        busy = false;
        if (res.ok && res.data && res.data.ok && res.data.token) {
          token = res.data.token;
          tok.value = token;
          input.readOnly = true;
          setDisabled(fresh, true); setDisabled(swap, true);
          setState('verified');
          say(t.verified);
          fire('verified', {});
          if (managed) {
            var req = pending;
            pending = null;
            if (req) send(req);
          } else if (form) resubmit();
          return;
        }
        var code = res.data && res.data.code;
        setState('ready');
        say('');
        switch (code) {
          case 'wrong_answer': {
            var left = res.data.attemptsLeft || 0;
            warn(plural(lang, left, t.wrongOne, t.wrongMany));
            input.focus();
            input.select();
            fire('wrong', { attemptsLeft: left });
            return;
          }
          case 'too_many_attempts':
            warn(t.tooMany);
            return load(kind, false).then(function () { warn(t.tooMany); input.focus(); });
          case 'expired':
          case 'not_found':
          case 'invalid_id':
            warn(t.expired);
            return load(kind, false).then(function () { warn(t.expired); input.focus(); });
        }
        failed(res);
      });
    };

    if (form) {
      form.addEventListener('submit', function (e) {
        if (managed) { managedSubmit(e); return; }
        if (token) return; // verified: let the form go
        e.preventDefault();
        if (busy || !ch) return;
        var answer = input.value.trim();
        if (!answer) {
          warn(t.empty);
          input.focus();
          return;
        }
        // The collector wrote the telemetry of this (trusted) submit in its
        // capture listener; keep it for the form post that follows.
        var tf = behaviorField && form.elements.namedItem(behaviorField);
        saved = tf && tf.value ? tf.value : null;
        submitter = e.submitter || null;
        verify(answer);
      });
    }

    // ---- behavior collector ----
    var attachBehavior = function () {
      if (!form || !behaviorField || !T.behavior) return;
      try { T.behavior.attach(form, { field: behaviorField }); } catch (e) { return; }
      // After the collector's own formdata listener: put back the telemetry
      // of the person's submit, which the widget's re-submit would replace.
      form.addEventListener('formdata', function (e) {
        if (restore != null) { e.formData.set(behaviorField, restore); restore = null; }
      });
    };
    if (form && behaviorField) {
      if (T.behavior) attachBehavior();
      else {
        var known = d.querySelector('script[data-tollgate-collector]');
        if (known) known.addEventListener('load', attachBehavior);
        else {
          var s = d.createElement('script');
          s.src = base + '/behavior.js';
          s.async = true;
          s.setAttribute('data-tollgate-collector', '');
          s.addEventListener('load', attachBehavior);
          (d.head || d.documentElement).appendChild(s);
        }
      }
    }

    // A page restored from the back-forward cache holds a spent challenge.
    w.addEventListener('pageshow', function (e) {
      if (!e.persisted) return;
      token = ''; tok.value = ''; busy = false; sending = false; pending = null;
      if (managed) { setView('compact'); warn(''); powStart(false); } else load(kind, false);
    });

    if (managed) {
      setView('compact');
      setState('ready');
      powStart(false);
      if (ds.tollgateError) warn(ds.tollgateError);
      fire('ready', {});
    } else {
      setView('puzzle');
      setState('loading');
      load(startKind, false).then(function () {
        if (ds.tollgateError) warn(ds.tollgateError);
        fire('ready', {});
      });
    }

    var api = {
      element: root,
      lang: lang,
      texts: t,
      challenge: function () { return ch ? { id: ch.id, kind: kind, prompt: ch.prompt } : null; },
      zoom: function () { return { scale: z.s, x: z.x, y: z.y }; },
      reload: function (k) { return load(k || kind, false); },
      newChallenge: fresh1,
      verified: function () { return !!token; },
      mode: managed ? 'managed' : 'always',
      view: function () { return layout; }
    };
    root.__tollgate = api;
    return api;
  }

  T.captcha = { version: 1, texts: TEXTS, render: render };
  var auto = function () {
    Array.from(d.querySelectorAll('[data-tollgate-captcha]')).forEach(function (e) {
      try { render(e); } catch (err) { /* one broken element must not stop the others */ }
    });
  };
  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', auto);
  else auto();
})();
