// Package fakeclock is a manually advanced clock for deterministic tests of
// package ratelimit. It satisfies ratelimit.Clock.
package fakeclock
