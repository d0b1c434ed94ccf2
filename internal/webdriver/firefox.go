package webdriver

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// FirefoxInstalled reports whether Firefox is installed (Debian:
// firefox-esr).
func FirefoxInstalled() error {
	_, err := lookFirst("firefox-esr", "firefox")
	return err
}

// firefox is a WebDriver BiDi session with a headless Firefox.
type firefox struct {
	cmd     *exec.Cmd
	conn    *websocket.Conn
	context string // the top-level browsing context

	mu      sync.Mutex
	nextID  int
	pending map[int]chan bidiReply
}

type bidiReply struct {
	Type    string          `json:"type"` // "success" or "error"
	ID      *int            `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

var bidiAddr = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// StartFirefox starts a headless Firefox with a new profile in dir (which
// must exist and be empty) and the given preferences (for example
// "privacy.resistFingerprinting": true), and opens a BiDi session.
func StartFirefox(ctx context.Context, dir string, prefs map[string]any) (Session, error) {
	bin, err := lookFirst("firefox-esr", "firefox")
	if err != nil {
		return nil, err
	}
	// Quiet, offline, predictable: no first-run pages, updates or
	// telemetry, which the sandbox's closed network would only slow down.
	all := map[string]any{
		"browser.shell.checkDefaultBrowser":                          false,
		"browser.startup.homepage_override.mstone":                   "ignore",
		"datareporting.policy.dataSubmissionEnabled":                 false,
		"toolkit.telemetry.reportingpolicy.firstRun":                 false,
		"app.update.disabledForTesting":                              true,
		"browser.safebrowsing.update.enabled":                        false,
		"network.captive-portal-service.enabled":                     false,
		"network.connectivity-service.enabled":                       false,
		"services.settings.server":                                   "http://127.0.0.1:9/",
		"extensions.getAddons.cache.enabled":                         false,
		"browser.region.network.url":                                 "",
		"remote.prefs.recommended":                                   true,
		"browser.newtabpage.activity-stream.feeds.system.topstories": false,
	}
	for k, v := range prefs {
		all[k] = v
	}
	var js strings.Builder
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(all[k])
		fmt.Fprintf(&js, "user_pref(%q, %s);\n", k, v)
	}
	if err := os.WriteFile(filepath.Join(dir, "user.js"), []byte(js.String()), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--headless", "--remote-debugging-port=0", "--profile", dir, "--no-remote", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	ownGroup(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("webdriver: starting firefox: %w", err)
	}
	f := &firefox{cmd: cmd, pending: map[int]chan bidiReply{}}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() { // keep draining: a full pipe would block Firefox
			if m := bidiAddr.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		if !sent {
			close(addr)
		}
	}()
	var url string
	select {
	case u, ok := <-addr:
		if !ok {
			f.Close()
			return nil, fmt.Errorf("webdriver: firefox exited without a BiDi address")
		}
		url = u
	case <-time.After(60 * time.Second):
		f.Close()
		return nil, fmt.Errorf("webdriver: firefox did not start its BiDi server")
	case <-ctx.Done():
		f.Close()
		return nil, ctx.Err()
	}
	conn, _, err := websocket.Dial(ctx, url+"/session", nil)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("webdriver: connecting to firefox: %w", err)
	}
	conn.SetReadLimit(64 << 20)
	f.conn = conn
	go f.read()
	if err := f.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		f.Close()
		return nil, err
	}
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := f.call(ctx, "browsingContext.getTree", map[string]any{}, &tree); err != nil || len(tree.Contexts) == 0 {
		f.Close()
		return nil, fmt.Errorf("webdriver: no firefox window: %v", err)
	}
	f.context = tree.Contexts[0].Context
	return f, nil
}

// read delivers replies to their callers; events are ignored.
func (f *firefox) read() {
	for {
		_, b, err := f.conn.Read(context.Background())
		if err != nil {
			f.mu.Lock()
			for id, ch := range f.pending {
				ch <- bidiReply{Type: "error", Error: "connection closed", Message: err.Error()}
				delete(f.pending, id)
			}
			f.pending = nil
			f.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(b, &r) != nil || r.ID == nil {
			continue
		}
		f.mu.Lock()
		ch := f.pending[*r.ID]
		delete(f.pending, *r.ID)
		f.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one BiDi command and decodes its result into out.
func (f *firefox) call(ctx context.Context, method string, params, out any) error {
	f.mu.Lock()
	if f.pending == nil {
		f.mu.Unlock()
		return fmt.Errorf("webdriver: %s: connection closed", method)
	}
	f.nextID++
	id := f.nextID
	ch := make(chan bidiReply, 1)
	f.pending[id] = ch
	f.mu.Unlock()
	b, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := f.conn.Write(ctx, websocket.MessageText, b); err != nil {
		return fmt.Errorf("webdriver: %s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Type == "error" {
			return fmt.Errorf("webdriver: %s: %s: %s", method, r.Error, r.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("webdriver: %s: %w", method, ctx.Err())
	}
}

func (f *firefox) Navigate(ctx context.Context, url string) error {
	return f.call(ctx, "browsingContext.navigate", map[string]any{"context": f.context, "url": url, "wait": "complete"}, nil)
}

func (f *firefox) Eval(ctx context.Context, js string, out any) error {
	var res struct {
		Type   string `json:"type"`
		Result struct {
			Type  string  `json:"type"`
			Value *string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := f.call(ctx, "script.evaluate", map[string]any{
		"expression":   "Promise.resolve((" + js + ")).then(v => JSON.stringify(v === undefined ? null : v))",
		"target":       map[string]any{"context": f.context},
		"awaitPromise": true,
	}, &res)
	if err != nil {
		return err
	}
	if res.Type == "exception" {
		return fmt.Errorf("webdriver: script threw: %s", res.ExceptionDetails.Text)
	}
	return decodeEval(res.Result.Value, out)
}

func (f *firefox) Perform(ctx context.Context, sources []Source) error {
	if err := f.call(ctx, "input.performActions", map[string]any{"context": f.context, "actions": sources}, nil); err != nil {
		return err
	}
	return f.call(ctx, "input.releaseActions", map[string]any{"context": f.context}, nil)
}

func (f *firefox) Close() error {
	if f.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		f.call(ctx, "browser.close", map[string]any{}, nil)
		cancel()
		f.conn.CloseNow()
	}
	if f.cmd.Process != nil {
		done := make(chan struct{})
		go func() { f.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		kill(f.cmd) // and any helper process left behind
		<-done
	}
	return nil
}
