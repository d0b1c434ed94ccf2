package main

import (
	"fmt"
	"io"
)

// runSample dispatches "tollgate sample image|audio".
func runSample(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprintln(stdout, "Usage: tollgate sample image|audio -n N -out DIR [flags]")
		fmt.Fprintln(stdout, `Run "tollgate sample image -h" or "tollgate sample audio -h" for the flags.`)
		if len(args) == 0 {
			return usageError("sample needs a kind: image or audio")
		}
		return nil
	}
	switch args[0] {
	case "image":
		return sampleImage(args[1:], stdout, stderr)
	case "audio":
		return sampleAudio(args[1:], stdout, stderr)
	}
	return usageError("unknown sample kind %q (want image or audio)", args[0])
}
