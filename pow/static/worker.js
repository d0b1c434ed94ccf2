// Tollgate proof-of-work solver, run as a Web Worker so that it never
// blocks the page. See the Go package github.com/tollgate/tollgate/pow.
//
// In:  {challenge, difficulty} (a Puzzle from the server).
// Out: {solution, counter, ms}: solution = challenge + ":" + counter, where
//      counter is the smallest decimal number from 0 whose
//      SHA-256(challenge + ":" + counter) starts with `difficulty` zero
//      bits; ms is the time the search took. Or {error}: for a message
//      that is not a puzzle, or where Web Crypto is missing (crypto.subtle
//      exists only in secure contexts: HTTPS, or http://localhost).
//
// The digests come from Web Crypto in batches: BATCH calls are started
// together and awaited together, which keeps the engine's hashing busy
// between the round trips of its promises. The expected number of digests
// is 2^difficulty.
"use strict";
(function () {
  var BATCH = 256;
  var MAX_COUNTER = 999999999999; // 12 digits, as the server accepts
  var CHALLENGE = /^[A-Za-z0-9_-]{1,128}$/;

  function zeroBits(digest) {
    return Math.clz32(new DataView(digest).getUint32(0));
  }

  async function solve(challenge, difficulty) {
    var prefix = new TextEncoder().encode(challenge + ":");
    var subtle = self.crypto.subtle;
    for (var base = 0; base <= MAX_COUNTER; base += BATCH) {
      var count = Math.min(BATCH, MAX_COUNTER - base + 1);
      var jobs = new Array(count);
      for (var i = 0; i < count; i++) {
        var digits = String(base + i);
        var msg = new Uint8Array(prefix.length + digits.length);
        msg.set(prefix);
        for (var k = 0; k < digits.length; k++) {
          msg[prefix.length + k] = digits.charCodeAt(k);
        }
        jobs[i] = subtle.digest("SHA-256", msg);
      }
      var sums = await Promise.all(jobs);
      for (var j = 0; j < count; j++) {
        if (zeroBits(sums[j]) >= difficulty) {
          return base + j;
        }
      }
    }
    throw new Error("no counter of 12 digits solves the puzzle");
  }

  self.onmessage = function (e) {
    var p = e.data || {};
    var challenge = p.challenge, difficulty = p.difficulty;
    if (typeof challenge !== "string" || !CHALLENGE.test(challenge) ||
        typeof difficulty !== "number" || !Number.isInteger(difficulty) ||
        difficulty < 0 || difficulty > 32) {
      self.postMessage({error: "tollgate pow: the message is not a puzzle"});
      return;
    }
    if (!self.crypto || !self.crypto.subtle) {
      self.postMessage({error: "tollgate pow: Web Crypto is not available (not a secure context)"});
      return;
    }
    var t0 = performance.now();
    solve(challenge, difficulty).then(function (counter) {
      self.postMessage({
        solution: challenge + ":" + counter,
        counter: counter,
        ms: performance.now() - t0
      });
    }, function (err) {
      self.postMessage({error: "tollgate pow: " + (err && err.message || err)});
    });
  };
})();
