//go:build !unix

package osmsource_test

func cpuTime() int64 { return 0 }
