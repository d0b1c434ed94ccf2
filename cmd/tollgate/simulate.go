package main

import (
	"errors"
	"io"
)

// runSimulate is replaced by the issue that builds this command.
func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("not built yet")
}
