// Command tollgate inspects, audits and exercises the tollgate library.
//
// Usage:
//
//	tollgate <command> [flags]
//
// The commands are:
//
//	sample    write sample challenges (image or audio) with their answers
//	score     score behavior telemetry read from standard input
//	audit     run installed OCR and speech-to-text engines against fresh challenges
//	simulate  replay an overload story against the real rate limiter
//	version   print the version
//	help      print this help, or a command's help
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// command is one subcommand of the tollgate tool.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands lists the subcommands in the order help prints them.
func commands() []command {
	return []command{
		{"sample", "write sample challenges (image or audio) with their answers", runSample},
		{"score", "score behavior telemetry read from standard input", runScore},
		{"audit", "run installed OCR and speech-to-text engines against fresh challenges", runAudit},
		{"simulate", "replay an overload story against the real rate limiter", runSimulate},
		{"version", "print the version", runVersion},
		{"help", "print this help, or a command's help", runHelp},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit code:
// 0 on success, 2 for usage errors, 1 for any other failure.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdin, stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "tollgate %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "tollgate %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "tollgate: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// errUsage marks errors in how a command was called; run exits with 2.
var errUsage = errors.New("usage")

// usageError returns an error wrapping errUsage with the message.
func usageError(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: tollgate <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "tollgate help <command>" for a command's flags.`)
}

func runHelp(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			return c.run([]string{"-h"}, stdin, stdout, stdout)
		}
	}
	return usageError("unknown command %q", args[0])
}

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

func runVersion(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	v := version
	if v == "" {
		v = "(devel)"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			v = bi.Main.Version
		}
	}
	fmt.Fprintf(stdout, "tollgate %s\n", v)
	return nil
}
