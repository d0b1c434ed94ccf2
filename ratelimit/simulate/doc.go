// Package simulate replays the overload story of package ratelimit against
// the real limiter, with real goroutines and a server of fixed capacity.
//
// The story: an emergency alert wakes every phone and every app logs in
// again in the background. The server has Workers workers, each request
// takes Service, so its capacity C is Workers/Service requests per second.
// User logins (people opening the app) arrive at UserShare·C throughout;
// background logins arrive at BackgroundShare·C, jump to FloodFactor·C
// for the Flood period, then stop. Arrivals are Poisson, one goroutine per
// request; clients give up after ClientTimeout and do not retry.
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
// recovered, against the targets of the design.
//
// Run takes the wall-clock time of the story (Before+Flood+After); ShortConfig
// takes 2.5 s per mode, DefaultConfig 16 s.
package simulate
