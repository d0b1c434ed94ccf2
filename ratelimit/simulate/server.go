package simulate

import (
	"sync"
	"time"
)

// job is one request handed to the server.
type job struct {
	arrival    time.Time
	start, end time.Time
	done       chan struct{}
}

// server is a fixed-capacity server: workers goroutines take jobs from a
// FIFO backlog and hold each for the service time. It finishes every job it
// accepted, whether or not its client still waits.
type server struct {
	service time.Duration
	onDone  func(*job)

	mu      sync.Mutex
	cond    *sync.Cond
	backlog []*job
	head    int
	closed  bool
	wg      sync.WaitGroup
}

func newServer(workers int, service time.Duration, onDone func(*job)) *server {
	s := &server{service: service, onDone: onDone}
	s.cond = sync.NewCond(&s.mu)
	for range workers {
		s.wg.Add(1)
		go s.work()
	}
	return s
}

func (s *server) submit(j *job) {
	s.mu.Lock()
	s.backlog = append(s.backlog, j)
	s.mu.Unlock()
	s.cond.Signal()
}

// waiting returns the number of jobs not yet started.
func (s *server) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.backlog) - s.head
}

func (s *server) work() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		for s.head == len(s.backlog) && !s.closed {
			s.cond.Wait()
		}
		if s.closed {
			s.mu.Unlock()
			return
		}
		j := s.backlog[s.head]
		s.backlog[s.head] = nil
		s.head++
		if s.head > 1024 && s.head*2 > len(s.backlog) {
			s.backlog = append(s.backlog[:0], s.backlog[s.head:]...)
			s.head = 0
		}
		s.mu.Unlock()
		j.start = time.Now()
		time.Sleep(s.service)
		j.end = time.Now()
		s.onDone(j)
		close(j.done)
	}
}

// stop makes the workers exit after their current job; the backlog is dropped.
func (s *server) stop() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Broadcast()
	s.wg.Wait()
}
