// Package redistest starts real Redis servers for the tests of package
// redisstore, and offers a TCP proxy that breaks connections on demand.
//
// Tests use the server at TOLLGATE_REDIS_ADDR when that is set, else they
// start redis-server (Debian package redis-server) on a free loopback port
// with a temporary directory. When neither is available, they skip, unless
// TOLLGATE_REQUIRE_INTEGRATION is set, in which case they fail.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Environment variables the package reads.
const (
	// EnvAddr names an existing Redis server (host:port) to test against.
	EnvAddr = "TOLLGATE_REDIS_ADDR"
	// EnvRequire, when set to anything, turns skips into failures.
	EnvRequire = "TOLLGATE_REQUIRE_INTEGRATION"
)

// Unavailable skips the test, or fails it when TOLLGATE_REQUIRE_INTEGRATION
// is set.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(EnvRequire) != "" {
		t.Fatalf("integration required ("+EnvRequire+" is set): "+format, args...)
	}
	t.Skipf(format, args...)
}

// Addr returns the address of a Redis server for t: TOLLGATE_REDIS_ADDR
// when set, else a server started for t (and stopped when t ends).
func Addr(t testing.TB) string {
	t.Helper()
	if a := os.Getenv(EnvAddr); a != "" {
		return a
	}
	return Start(t).Addr()
}

// Client returns a client of addr, configured as redisstore wants it
// (ContextTimeoutEnabled), closed when t ends.
func Client(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(Options(addr))
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Options returns client options for addr with ContextTimeoutEnabled set
// and short timeouts, fit for tests.
func Options(addr string) *redis.Options {
	return &redis.Options{
		Addr:                  addr,
		ContextTimeoutEnabled: true,
		DialTimeout:           time.Second,
		ReadTimeout:           2 * time.Second,
		WriteTimeout:          2 * time.Second,
		PoolSize:              128,
	}
}

// Prefix returns a key prefix no other test uses, so that tests sharing a
// server never see each other's keys (and never need to flush it).
func Prefix(t testing.TB) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "tollgate-test:" + hex.EncodeToString(b[:]) + ":"
}

// Server is a redis-server process started for one test. Its methods are
// not safe for concurrent use.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	args []string
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
}

// Start starts redis-server on a free loopback port, with a temporary
// directory, no persistence (unless extra arguments ask for it) and
// extra arguments appended. The server stops when t ends. Without a
// redis-server binary, it calls Unavailable.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Unavailable(t, "no redis-server binary: %v", err)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), args: extra}
	t.Cleanup(s.Stop)
	var lastErr error
	for try := 0; try < 5; try++ {
		if s.port, err = freePort(); err != nil {
			t.Fatalf("redistest: finding a free port: %v", err)
		}
		if lastErr = s.start(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("redistest: starting redis-server: %v", lastErr)
	return nil
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// Dir returns the server's working directory.
func (s *Server) Dir() string { return s.dir }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) start() error {
	args := append([]string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--protected-mode", "no", "--loglevel", "warning",
	}, s.args...)
	s.log = &bytes.Buffer{}
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			s.cmd = nil
			return fmt.Errorf("redis-server exited: %s", strings.TrimSpace(s.log.String()))
		default:
		}
		if ping(s.Addr()) == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("redis-server did not answer PING within 10s: %s", s.log.String())
}

// ping sends PING over a fresh connection and waits for PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// Stop kills the server at once (SIGKILL), as a crash would, and waits for
// it to exit. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same port and directory, after a
// Stop. What it reloads depends on the persistence arguments given to
// Start.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond) // the port may still be held
	}
	s.t.Fatalf("redistest: restarting redis-server on port %d: %v", s.port, err)
}

// Proxy is a TCP proxy to a Redis server that can cut connections after
// the server ran a command but before its reply reaches the client: the
// client sees a broken connection although the command took effect. Its
// methods are safe for concurrent use.
type Proxy struct {
	target string
	l      net.Listener
	mu     sync.Mutex
	drop   int
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

// NewProxy starts a proxy to target on a free loopback port. It stops when
// t ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: proxy listen: %v", err)
	}
	p := &Proxy{target: target, l: l, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// Addr returns the proxy's host:port.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// DropReplies makes the proxy drop the next n replies from the server:
// each such reply closes its connection instead of reaching the client.
// Replies are counted as the chunks read from the server, so send one
// command at a time (on a warmed-up connection) for exact counts.
func (p *Proxy) DropReplies(n int) {
	p.mu.Lock()
	p.drop = n
	p.mu.Unlock()
}

// dropping reports whether to drop this reply, counting it.
func (p *Proxy) dropping() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drop > 0 {
		p.drop--
		return true
	}
	return false
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	_ = p.l.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.l.Accept()
		if err != nil {
			return
		}
		var d net.Dialer
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		server, err := d.DialContext(ctx, "tcp", p.target)
		cancel()
		if err != nil {
			_ = client.Close()
			continue
		}
		if !p.track(client) || !p.track(server) {
			_ = client.Close()
			_ = server.Close()
			return
		}
		p.wg.Add(2)
		go func() { // client to server
			defer p.wg.Done()
			buf := make([]byte, 32<<10)
			for {
				n, err := client.Read(buf)
				if n > 0 {
					if _, werr := server.Write(buf[:n]); werr != nil {
						break
					}
				}
				if err != nil {
					break
				}
			}
			_ = client.Close()
			_ = server.Close()
		}()
		go func() { // server to client
			defer p.wg.Done()
			buf := make([]byte, 32<<10)
			for {
				n, err := server.Read(buf)
				if n > 0 {
					if p.dropping() {
						break
					}
					if _, werr := client.Write(buf[:n]); werr != nil {
						break
					}
				}
				if err != nil {
					break
				}
			}
			_ = client.Close()
			_ = server.Close()
		}()
	}
}
