package pow

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tollgate/tollgate/internal/webdriver"
)

// TestBrowserSolve runs the embedded worker in headless Chromium, Firefox
// and WebKitGTK: every solution it finds must verify and equal the
// reference solver's, and the test logs the digests per second and the
// time to solve at difficulties 12 to 18 (run with -v; README.md has the
// table). It asserts no timing: the numbers are this machine's.
func TestBrowserSolve(t *testing.T) {
	if testing.Short() {
		t.Skip("real browsers: not in -short")
	}
	mux := http.NewServeMux()
	mux.Handle("GET /pow-worker.js", WorkerHandler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><meta charset="utf-8"><title>pow</title></head><body>pow</body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	for _, bc := range []struct {
		name      string
		installed func() error
		start     func(ctx context.Context, t *testing.T) (browserPage, error)
	}{
		{"chromium", chromiumInstalled, startChromium},
		{"firefox", webdriver.FirefoxInstalled, func(ctx context.Context, t *testing.T) (browserPage, error) {
			return webdriver.StartFirefox(ctx, t.TempDir(), nil)
		}},
		{"webkit", webdriver.WebKitInstalled, func(ctx context.Context, t *testing.T) (browserPage, error) {
			return webdriver.StartWebKit(ctx)
		}},
	} {
		t.Run(bc.name, func(t *testing.T) {
			if err := bc.installed(); err != nil {
				if os.Getenv("TOLLGATE_REQUIRE_INTEGRATION") != "" {
					t.Fatalf("%v (TOLLGATE_REQUIRE_INTEGRATION is set; install chromium, firefox-esr, webkit2gtk-driver and xvfb)", err)
				}
				t.Skipf("%v (install chromium, firefox-esr, webkit2gtk-driver and xvfb)", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			p, err := bc.start(ctx, t)
			if err != nil {
				t.Fatalf("starting %s: %v", bc.name, err)
			}
			defer p.Close()
			if err := p.Navigate(ctx, srv.URL+"/"); err != nil {
				t.Fatalf("Navigate: %v", err)
			}
			measureBrowser(ctx, t, p)
		})
	}
}

// browserPage is the part of a browser session the test uses.
type browserPage interface {
	Navigate(ctx context.Context, url string) error
	Eval(ctx context.Context, js string, out any) error
	Close() error
}

// browserDigests is about how many digests each difficulty is measured
// over; each gets at least minPuzzles puzzles.
const (
	browserDigests = 1 << 19
	minPuzzles     = 3
)

// solveJS solves the puzzles %s one after another in one worker. A timer
// on the page's own thread records its longest gap meanwhile: the worker
// must leave the page free.
const solveJS = `(async () => {
  const puzzles = %s;
  const w = new Worker("/pow-worker.js");
  let last = performance.now(), gap = 0;
  const timer = setInterval(() => { const t = performance.now(); gap = Math.max(gap, t - last); last = t; }, 10);
  const out = [];
  try {
    for (const p of puzzles) {
      out.push(await new Promise((resolve, reject) => {
        w.onmessage = e => resolve(e.data);
        w.onerror = e => reject(new Error(e.message || "worker error"));
        w.postMessage({challenge: p.challenge, difficulty: p.difficulty});
      }));
    }
  } finally {
    clearInterval(timer);
    w.terminate();
  }
  return {results: out, gap};
})()`

// idleGapJS is the longest gap of a 10 ms timer on the page over one
// second with no worker: what the machine's load alone costs.
const idleGapJS = `new Promise(resolve => {
  let last = performance.now(), gap = 0;
  const timer = setInterval(() => { const t = performance.now(); gap = Math.max(gap, t - last); last = t; }, 10);
  setTimeout(() => { clearInterval(timer); resolve(gap); }, 1000);
})`

type browserSolution struct {
	Solution string  `json:"solution"`
	Counter  uint64  `json:"counter"`
	MS       float64 `json:"ms"`
	Error    string  `json:"error"`
}

// runPuzzles solves n new puzzles of difficulty d in the page, checks each
// solution and returns the digests computed, the time taken (ms) and the
// page thread's longest timer gap (ms).
func runPuzzles(ctx context.Context, t *testing.T, p browserPage, iss *Issuer, d, n int) (digests, ms, gap float64) {
	t.Helper()
	puzzles := make([]Puzzle, n)
	for k := range puzzles {
		puzzles[k] = issue(t, iss, d, time.Now())
	}
	js, _ := json.Marshal(puzzles)
	var out struct {
		Results []browserSolution `json:"results"`
		Gap     float64           `json:"gap"`
	}
	if err := p.Eval(ctx, fmt.Sprintf(solveJS, js), &out); err != nil {
		t.Fatalf("difficulty %d: %v", d, err)
	}
	if len(out.Results) != n {
		t.Fatalf("difficulty %d: %d results, want %d", d, len(out.Results), n)
	}
	for k, r := range out.Results {
		wantN, want := solve(puzzles[k].Challenge, d)
		if r.Error != "" || r.Solution != want || r.Counter != wantN {
			t.Fatalf("difficulty %d: the browser found %+v, the reference solver %d (%s)", d, r, wantN, want)
		}
		if res, err := iss.Verify(ctx, r.Solution, time.Now()); err != nil || res.Difficulty != d {
			t.Fatalf("Verify(the browser's solution) = %+v, %v; want difficulty %d", res, err, d)
		}
		digests += float64(r.Counter + 1)
		ms += r.MS
	}
	return digests, ms, out.Gap
}

// measureBrowser logs the solve rate and times at difficulties 12 to 18.
func measureBrowser(ctx context.Context, t *testing.T, p browserPage) {
	iss := newIssuer(t)
	var idleGap float64
	if err := p.Eval(ctx, idleGapJS, &idleGap); err != nil {
		t.Fatalf("idle timer: %v", err)
	}
	runPuzzles(ctx, t, p, iss, 8, 4) // warm up the engine
	var lines []string
	var allDigests, allMS, maxGap float64
	for d := 12; d <= 18; d++ {
		n := max(minPuzzles, browserDigests>>d)
		digests, ms, gap := runPuzzles(ctx, t, p, iss, d, n)
		allDigests += digests
		allMS += ms
		maxGap = max(maxGap, gap)
		rate := digests / ms * 1000
		lines = append(lines, fmt.Sprintf("| %2d | %4d | %8.0f | %7.1f | %7.1f | %9.0f |",
			d, n, digests/float64(n), ms/float64(n), math.Ldexp(1, d)/rate*1000, rate))
	}
	rate := allDigests / allMS * 1000
	// The machine's load tells how far to trust the numbers.
	if load, err := os.ReadFile("/proc/loadavg"); err == nil && len(strings.Fields(string(load))) >= 3 {
		t.Logf("load average (1, 5, 15 min): %s", strings.Join(strings.Fields(string(load))[:3], " "))
	}
	t.Logf("%.0f digests/s over %.0f digests; the page's longest timer gap while solving: %.0f ms (idle: %.0f ms)\n"+
		"| difficulty | puzzles | digests per puzzle | ms per puzzle | expected ms (2^d / rate of the row) | digests/s |\n%s\n"+
		"expected ms at the overall rate: %s",
		rate, allDigests, maxGap, idleGap, strings.Join(lines, "\n"), expectedTimes(rate))
}

// expectedTimes lists 2^d / rate for d 12..18.
func expectedTimes(rate float64) string {
	var s []string
	for d := 12; d <= 18; d++ {
		s = append(s, fmt.Sprintf("%d: %.0f", d, math.Ldexp(1, d)/rate*1000))
	}
	return strings.Join(s, ", ")
}

// chromiumPath is the Chromium to drive.
func chromiumPath() (string, error) { return webdriver.ChromiumPath() }

func chromiumInstalled() error {
	_, err := chromiumPath()
	return err
}

// chromium is a headless Chromium driven through the DevTools protocol.
type chromium struct {
	ctx    context.Context
	cancel func()
}

func startChromium(ctx context.Context, t *testing.T) (browserPage, error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	c := &chromium{ctx: bctx, cancel: func() { cancelBrowser(); cancelAlloc() }}
	if err := chromedp.Do(bctx); err != nil {
		c.cancel()
		return nil, err
	}
	return c, nil
}

// bound derives a context of the browser that ctx also cancels.
func (c *chromium) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	rctx, cancel := context.WithCancel(c.ctx)
	stop := context.AfterFunc(ctx, cancel)
	return rctx, func() { stop(); cancel() }
}

func (c *chromium) Navigate(ctx context.Context, url string) error {
	rctx, cancel := c.bound(ctx)
	defer cancel()
	return chromedp.Do(rctx, chromedp.Navigate(url))
}

func (c *chromium) Eval(ctx context.Context, js string, out any) error {
	rctx, cancel := c.bound(ctx)
	defer cancel()
	b, err := chromedp.Run(rctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func (c *chromium) Close() error {
	c.cancel()
	return nil
}
