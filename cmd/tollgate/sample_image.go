package main

import (
	"errors"
	"io"
)

// sampleImage is replaced by the issue that builds this command.
func sampleImage(args []string, stdout, stderr io.Writer) error {
	return errors.New("not built yet")
}
