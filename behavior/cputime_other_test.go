//go:build !unix

package behavior_test

import "time"

func processCPU() time.Duration { return 0 }
