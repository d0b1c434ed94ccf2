package main

import (
	"errors"
	"io"
)

// sampleAudio is replaced by the issue that builds this command.
func sampleAudio(args []string, stdout, stderr io.Writer) error {
	return errors.New("not built yet")
}
