//go:build unix

package osmsource_test

import "syscall"

// cpuTime is the process's user plus system CPU time in nanoseconds; on a
// shared machine CPU time per op is steadier than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
