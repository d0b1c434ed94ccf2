//go:build tollgate_testhook

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/tollgate/tollgate"
)

// TestBrowserManaged runs the showcase in its default managed mode in real
// Chromium: a person typing at human speed signs in with no puzzle; a
// script fill, a zero-delay typer and a post with no telemetry each get a
// challenge or deception, never a pass; a browser with JavaScript off
// signs in by solving the noscript challenge.
func TestBrowserManaged(t *testing.T) {
	e := newE2E(t, "managed")
	srv, logs := e.srv, e.logs

	// openManaged loads the sign-in page and waits for the widget's proof
	// of work; it returns how long that took from the navigation.
	openManaged := func(tb *tab) time.Duration {
		tb.t.Helper()
		start := time.Now()
		tb.do(chromedp.Navigate(e.base + "/login?lang=en"))
		tb.until(`(() => { const w = document.querySelector('.tg'); return w && w.dataset.view === 'compact' && w.dataset.check === 'done'
			&& document.querySelector('input[name=tollgate_pow]').value !== ''; })()`, 20*time.Second)
		return time.Since(start)
	}
	challenged := func(tb *tab) bool {
		return eval[bool](tb, `(() => { const w = document.querySelector('.tg'); return !!w && w.dataset.view === 'puzzle'; })()`)
	}

	t.Run("person signs in with no puzzle", func(t *testing.T) {
		tb := e.newTab(t, 41)
		took := openManaged(tb)
		t.Logf("proof of work done %v after navigation (base difficulty %d bits)", took, tollgate.DefaultWorkBits)
		tb.moveTo(300, 200)
		tb.click("#email")
		tb.typeHuman("demo@haneul.example")
		tb.click("#password")
		tb.typeHuman("correct-horse-battery")
		tb.click("#submit")
		tb.until(`location.pathname === '/welcome' && !!document.querySelector('#welcome')`, 15*time.Second)
		v := e.lastVerdict(t)
		t.Logf("person judged %v: %v", v.verdict, v.reasons)
		if l := e.lastLogin(t); l.Outcome != "signed_in" || v.deceived {
			t.Fatalf("person's sign-in = %+v (deceived %v), want signed_in with no puzzle", l, v.deceived)
		}
		if strings.Contains(logs.String(), `"msg":"tollgate.challenged"`) {
			t.Fatal("the person was asked for a challenge")
		}
	})

	bots := []struct {
		name string
		fill func(tb *tab, sel, text string)
	}{
		{"script fill", func(tb *tab, sel, text string) { tb.do(chromedp.SetValue(chromedp.CSS(sel), text)) }},
		{"zero-delay typer", func(tb *tab, sel, text string) {
			tb.do(chromedp.Focus(chromedp.CSS(sel)))
			tb.typeFixed(text, 0)
		}},
	}
	for i, c := range bots {
		t.Run(c.name+" never passes", func(t *testing.T) {
			tb := e.tabIn(t, e.bot, uint64(50+i))
			openManaged(tb)
			before := len(srv.stats.recentLogins())
			c.fill(tb, "#email", "demo@haneul.example")
			c.fill(tb, "#password", "correct-horse-battery")
			tb.do(chromedp.Click(chromedp.CSS("#submit")))
			tb.until(`location.pathname === '/welcome' || document.querySelector('.tg').dataset.view === 'puzzle'`, 15*time.Second)
			if challenged(tb) {
				t.Logf("%s: asked for a challenge", c.name)
				return
			}
			if l := srv.stats.recentLogins(); len(l) == before || l[0].Outcome != "deceived" {
				t.Fatalf("%s reached /welcome without deception: %+v", c.name, l)
			}
			t.Logf("%s: deceived (%v)", c.name, e.lastVerdict(t).reasons)
		})
	}

	t.Run("post with no telemetry never passes", func(t *testing.T) {
		tb := e.tabIn(t, e.bot, 60)
		openManaged(tb)
		got := eval[string](tb, `fetch('/login', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
			body: 'email=demo%40haneul.example&password=correct-horse-battery&tollgate_pow=' +
				encodeURIComponent(document.querySelector('input[name=tollgate_pow]').value), redirect: 'manual'})
			.then(r => r.status + ' ' + (r.headers.get('Content-Type') || ''))`)
		if !strings.HasPrefix(got, "403 ") {
			t.Fatalf("post without telemetry = %q, want 403 (a challenge)", got)
		}
	})

	t.Run("JavaScript off signs in with the noscript challenge", func(t *testing.T) {
		nojs := startBrowser(t, e.chrome, chromedp.Flag("blink-settings", "scriptEnabled=false"))
		tb := e.tabIn(t, nojs, 70)
		before := len(srv.stats.recentLogins())
		tb.do(chromedp.Navigate(e.base + "/login?lang=en"))
		attr, err := chromedp.Run(tb.ctx, chromedp.AttributeValue(chromedp.CSS("#tg-noscript-id"), "value"))
		if err != nil || !attr.Exists {
			t.Fatalf("no noscript challenge on the page without JavaScript (%v)", err)
		}
		id := attr.Value
		p, err := srv.gate.Captcha().TestHookPuzzle(tb.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		tb.do(chromedp.SendKeys(chromedp.CSS("#email"), "demo@haneul.example"),
			chromedp.SendKeys(chromedp.CSS("#password"), "correct-horse-battery"),
			chromedp.SendKeys(chromedp.CSS(`input[name=tollgate_answer][required]`), strings.ToLower(p.Answers[0])+kb.Enter))
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if l := srv.stats.recentLogins(); len(l) > before && l[0].Outcome == "signed_in" {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("no sign-in without JavaScript; last logins %+v", srv.stats.recentLogins())
	})
}
