package webdriver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// WebKitInstalled reports whether WebKitWebDriver, the WebKitGTK
// MiniBrowser and Xvfb are installed (Debian: webkit2gtk-driver, xvfb).
func WebKitInstalled() error {
	if _, err := lookFirst("WebKitWebDriver"); err != nil {
		return err
	}
	if _, err := lookFirst("Xvfb"); err != nil {
		return err
	}
	_, err := miniBrowser()
	return err
}

func miniBrowser() (string, error) {
	return lookFirst("/usr/lib/*/webkit2gtk-4.1/MiniBrowser", "/usr/lib/*/webkit2gtk-4.0/MiniBrowser",
		"/usr/libexec/webkit2gtk-4.1/MiniBrowser", "/usr/libexec/webkit2gtk-4.0/MiniBrowser")
}

// webkit is a W3C WebDriver session with WebKitWebDriver.
type webkit struct {
	base   string // http://127.0.0.1:port/session/id
	client *http.Client
	procs  []*exec.Cmd
}

// StartWebKit starts a virtual X display, WebKitWebDriver and a
// MiniBrowser session on them.
func StartWebKit(ctx context.Context) (Session, error) {
	if err := WebKitInstalled(); err != nil {
		return nil, err
	}
	w := &webkit{client: &http.Client{Timeout: 60 * time.Second}}
	display, err := w.startXvfb(ctx)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		w.Close()
		return nil, err
	}
	drv := exec.Command("WebKitWebDriver", "--port="+strconv.Itoa(port), "--host=127.0.0.1")
	drv.Env = append(os.Environ(), "DISPLAY="+display)
	ownGroup(drv)
	if err := drv.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("webdriver: starting WebKitWebDriver: %w", err)
	}
	w.procs = append(w.procs, drv)
	root := "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(20 * time.Second); ; {
		res, err := w.client.Get(root + "/status")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			w.Close()
			return nil, fmt.Errorf("webdriver: WebKitWebDriver did not start: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	bin, _ := miniBrowser()
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":              "MiniBrowser",
		"webkitgtk:browserOptions": map[string]any{"binary": bin, "args": []string{"--automation"}},
	}}}
	var created struct {
		SessionID string `json:"sessionId"`
	}
	if err := w.call(ctx, http.MethodPost, root+"/session", caps, &created); err != nil {
		w.Close()
		return nil, err
	}
	w.base = root + "/session/" + created.SessionID
	return w, nil
}

// startXvfb starts a virtual display and returns its name (":n").
func (w *webkit) startXvfb(ctx context.Context) (string, error) {
	r, wr, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{wr}
	ownGroup(x)
	if err := x.Start(); err != nil {
		wr.Close()
		return "", fmt.Errorf("webdriver: starting Xvfb: %w", err)
	}
	wr.Close()
	w.procs = append(w.procs, x)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if s == "" {
			return "", fmt.Errorf("webdriver: Xvfb gave no display number")
		}
		return ":" + s, nil
	case <-time.After(20 * time.Second):
		return "", fmt.Errorf("webdriver: Xvfb did not start")
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// call sends one WebDriver command and decodes its "value" into out.
func (w *webkit) call(ctx context.Context, method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("webdriver: %s %s: %w", method, url, err)
	}
	defer res.Body.Close()
	var reply struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(res.Body).Decode(&reply); err != nil {
		return fmt.Errorf("webdriver: %s %s: reply: %w", method, url, err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("webdriver: %s %s: %s: %s", method, url, res.Status, reply.Value)
	}
	if out != nil {
		return json.Unmarshal(reply.Value, out)
	}
	return nil
}

func (w *webkit) Navigate(ctx context.Context, url string) error {
	return w.call(ctx, http.MethodPost, w.base+"/url", map[string]any{"url": url}, nil)
}

func (w *webkit) Eval(ctx context.Context, js string, out any) error {
	var s *string
	err := w.call(ctx, http.MethodPost, w.base+"/execute/async", map[string]any{
		"script": "const done = arguments[0]; Promise.resolve((" + js + ")).then(v => done(JSON.stringify(v === undefined ? null : v)), e => done(JSON.stringify({__error: String(e)})));",
		"args":   []any{},
	}, &s)
	if err != nil {
		return err
	}
	return decodeEval(s, out)
}

func (w *webkit) Perform(ctx context.Context, sources []Source) error {
	if err := w.call(ctx, http.MethodPost, w.base+"/actions", map[string]any{"actions": sources}, nil); err != nil {
		return err
	}
	return w.call(ctx, http.MethodDelete, w.base+"/actions", nil, nil)
}

func (w *webkit) Close() error {
	if w.base != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		w.call(ctx, http.MethodDelete, w.base, nil, nil)
		cancel()
	}
	for i := len(w.procs) - 1; i >= 0; i-- {
		kill(w.procs[i])
		w.procs[i].Wait()
	}
	w.procs = nil
	return nil
}

// decodeEval decodes the JSON text a page returned into out, turning a
// thrown error into a Go error.
func decodeEval(s *string, out any) error {
	if s == nil {
		return fmt.Errorf("webdriver: script returned no value")
	}
	var e struct {
		Err *string `json:"__error"`
	}
	if json.Unmarshal([]byte(*s), &e) == nil && e.Err != nil {
		return fmt.Errorf("webdriver: script threw: %s", *e.Err)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(*s), out)
}
