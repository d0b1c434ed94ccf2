// Package simulate replays the overload story of package ratelimit against
// the real limiter and a server of fixed capacity.
//
// The story: an emergency alert wakes every phone and every app logs in
// again in the background. The server has Workers workers, each request
// takes Service, so its capacity C is Workers/Service requests per second.
// User logins (people opening the app) arrive at UserShare·C throughout;
// background logins arrive at BackgroundShare·C, jump to FloodFactor·C
// for the Flood period, then stop. Arrivals are Poisson, drawn every
// millisecond; clients give up after ClientTimeout and do not retry.
//
// The server queues what it is given in FIFO order and, like most servers,
// finishes every request it accepted, even when the client has already given
// up: without admission control a flood turns into a backlog of wasted work.
//
// Run replays the story in one of three modes: ModeNone (everything goes to
// the server), ModeShared (one shared concurrency limit of Workers seats with
// a queue) and ModeLanes (a ratelimit.Limiter with a lane per class and load
// shedding). WriteTable prints, per class, offered, admitted, succeeded and
// rejected requests, success rate, latency percentiles of admitted requests
// and of rejections, then user-login success and p99 during the flood,
// goodput as a share of C, when shedding engaged and when the system
// recovered, against the Targets of the design; Result.Missed names the
// targets a run misses.
//
// # Virtual time
//
// By default Run replays the story in virtual time: the unmodified
// ratelimit.Limiter (its lanes, queues, load-level sampler and shedding)
// runs against a simulated clock given with ratelimit.WithClock, and a
// discrete-event scheduler moves that clock to the next timer, arrival or
// completion once every goroutine of the limiter is blocked. The limiter's
// goroutines take turns, so the machine's load cannot change what happens:
// the same Config, Seed included, always gives the same Result, and
// DefaultConfig's 16 s story takes well under a second per mode. The cost
// of the limiter's own code is not part of virtual time: a request rejected
// at the door takes 0 (the package's benchmarks measure that cost).
//
// Config.Realtime replays the story in wall-clock time instead, with a
// goroutine per request and per worker, real sleeps and the system clock:
// Before+Flood+After per mode. Its latencies include the scheduling of the
// machine; Result.MaxStall says how long the load generator went unscheduled.
package simulate
