//go:build faults && linux

package faultpoint

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var (
	parse   sync.Once
	point   string
	at      = 1
	mu      sync.Mutex
	reached int
)

// Hit stops the process (SIGSTOP) the Nth time it reaches the point that
// UBO_FAULTPOINT names, after saying so on stderr; it returns when the
// process is continued (SIGCONT).
func Hit(name string) {
	parse.Do(func() {
		spec := os.Getenv(Env)
		point = spec
		if p, n, ok := strings.Cut(spec, ":"); ok {
			point = p
			if v, err := strconv.Atoi(n); err == nil && v > 0 {
				at = v
			}
		}
	})
	if point == "" || name != point {
		return
	}
	mu.Lock()
	reached++
	stop := reached == at
	mu.Unlock()
	if !stop {
		return
	}
	fmt.Fprintf(os.Stderr, "faultpoint: %s reached (hit %d): stopping pid %d\n", name, at, os.Getpid())
	// The signal goes to this thread, which then stops before it returns
	// to user code. Sent to the process (kill), another thread would take
	// it and this one run on for a moment: long enough to commit the
	// transaction the test meant to interrupt (it did, on the embedded
	// store's FinishRun).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = syscall.Tgkill(os.Getpid(), syscall.Gettid(), syscall.SIGSTOP)
}

// Size returns the value of UBO_FAULT_SIZE_<NAME> (name upper-cased, dots
// as underscores) when it is a positive number, else def: the fault tests
// shrink batches so that a small registry has several of them.
func Size(name string, def int) int {
	key := "UBO_FAULT_SIZE_" + strings.ToUpper(strings.ReplaceAll(name, ".", "_"))
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}
