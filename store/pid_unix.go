//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// HolderGone reports whether h names a process on this host that no
// longer exists, so its lock can be taken at once rather than after it
// expires. Signal 0 checks that a pid exists without signalling it
// (EPERM: it exists, under another user). A pid reused by another process
// reads as alive: the lock then waits for its expiry, the safe side.
func HolderGone(h LockHolder) bool {
	host, err := os.Hostname()
	if err != nil || h.Host != host || h.PID <= 0 || h.PID == os.Getpid() {
		return false
	}
	return errors.Is(syscall.Kill(h.PID, 0), syscall.ESRCH)
}
