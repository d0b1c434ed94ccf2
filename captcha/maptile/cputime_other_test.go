//go:build !unix

package maptile_test

func cpuTime() int64 { return 0 }
