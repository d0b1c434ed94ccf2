//go:build unix

package webdriver

import (
	"os/exec"
	"syscall"
)

// ownGroup makes cmd lead a new process group, so that kill can stop the
// processes it starts too (a browser's helper processes).
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// kill stops cmd and its process group.
func kill(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Process.Kill()
}
