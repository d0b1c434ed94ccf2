// Command tollgate inspects, audits and exercises the tollgate library.
//
// Usage:
//
//	tollgate <command> [flags]
//	tollgate help <command>
//
// The commands are:
//
//	sample    write sample challenges (image or audio) with their answers
//	score     score behavior telemetry read from standard input
//	audit     run installed OCR and speech-to-text engines against fresh challenges
//	simulate  replay an overload story against the real rate limiter
//	version   print the version
//	help      print this help, or a command's help with its flags
//
// Help (-h, -help or --help anywhere, or "tollgate help <command>") is
// printed on standard output. Flags are checked before any work starts.
// Long commands show their progress on standard error when it is a
// terminal, and print nothing there when it is not.
//
// The exit status is 0 on success; 1 on a failure, or when a checked target
// is missed (simulate overload; audit with -check); 2 for a usage or flag
// error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// command is one subcommand of the tollgate tool.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
	help    func(w io.Writer) // the command's help, with its flags
}

// commands lists the subcommands in the order help prints them.
func commands() []command {
	return []command{
		{"sample", "write sample challenges (image or audio) with their answers", runSample, sampleHelp},
		{"score", "score behavior telemetry read from standard input", runScore, scoreHelp},
		{"audit", "run installed OCR and speech-to-text engines against fresh challenges", runAudit, auditHelp},
		{"simulate", "replay an overload story against the real rate limiter", runSimulate, simulateHelp},
		{"version", "print the version", runVersion, versionHelp},
		{"help", "print this help, or a command's help with its flags", runHelp, helpHelp},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// The exit statuses of run.
const (
	exitOK    = 0 // success, or help was asked for
	exitFail  = 1 // a failure, or a checked target missed
	exitUsage = 2 // a usage or flag error
)

// run executes the command line args and returns the process exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := lookup(args[0])
	if !ok {
		what := "command"
		if strings.HasPrefix(args[0], "-") {
			what = "flag"
		}
		fmt.Fprintf(stderr, "tollgate: unknown %s %q\n", what, args[0])
		fmt.Fprintln(stderr, `Run "tollgate help" for the commands.`)
		return exitUsage
	}
	err := c.run(args[1:], stdin, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "tollgate %s: %v\n", c.name, err)
		fmt.Fprintf(stderr, "Run \"tollgate help %s\" for its usage and flags.\n", c.name)
		return exitUsage
	}
	fmt.Fprintf(stderr, "tollgate %s: %v\n", c.name, err)
	return exitFail
}

// errUsage marks errors in how a command was called; run exits with 2.
var errUsage = errors.New("usage")

// usageError returns an error wrapping errUsage with the message.
func usageError(format string, a ...any) error {
	return &usageErr{fmt.Sprintf(format, a...)}
}

// usageErr is a usage error; its message is the problem alone.
type usageErr struct{ msg string }

func (e *usageErr) Error() string        { return e.msg }
func (e *usageErr) Is(target error) bool { return target == errUsage }

// errTargetMissed marks a run that missed a target it checks; run exits with 1.
var errTargetMissed = errors.New("target missed")

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// parseFlags parses args with fs. Asked for help, it prints fs.Usage on
// stdout and returns flag.ErrHelp; a bad flag or a stray argument is a
// usage error, reported once by run (not also by the flag package).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return err
	}
	if err != nil {
		return usageError("%v", err)
	}
	return nil
}

const exitStatusHelp = `Exit status: 0 on success; 1 on a failure, or when a checked target is
missed (simulate overload; audit -check); 2 for a usage or flag error.`

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: tollgate <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "tollgate help <command>" (or "tollgate <command> -h") for a command's flags.`)
	fmt.Fprintln(w, "Long commands show their progress on standard error when it is a terminal.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, exitStatusHelp)
}

func helpHelp(w io.Writer) {
	fmt.Fprintln(w, "Usage: tollgate help [command]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Prints the list of commands, or a command's help with its flags.")
}

func runHelp(args []string, _ io.Reader, stdout, _ io.Writer) error {
	switch {
	case len(args) == 0:
		usage(stdout)
		return nil
	case isHelpFlag(args[0]):
		helpHelp(stdout)
		return nil
	case len(args) > 1:
		return usageError("help takes one command, got %q", args)
	}
	c, ok := lookup(args[0])
	if !ok {
		return usageError("unknown command %q", args[0])
	}
	c.help(stdout)
	return nil
}

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

func versionFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.Usage = func() { versionHelp(fs.Output()) }
	return fs
}

func versionHelp(w io.Writer) {
	fmt.Fprintln(w, "Usage: tollgate version (or tollgate --version)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Prints the version of the tollgate command.")
}

func runVersion(args []string, _ io.Reader, stdout, _ io.Writer) error {
	fs := versionFlags()
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q", fs.Args())
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
