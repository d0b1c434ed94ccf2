//go:build unix

package behavior_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user+system) the process has used, so
// benchmarks can report CPU per operation, which other load on a shared
// machine does not inflate as it does wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
