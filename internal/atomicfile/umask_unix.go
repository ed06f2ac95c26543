//go:build unix

package atomicfile

import (
	"os"
	"sync"
	"syscall"
)

var (
	umaskOnce  sync.Once
	umaskValue os.FileMode
)

// umask reads the process umask once (syscall.Umask sets it, so it is set
// straight back; reading it once keeps that window at process start).
func umask() os.FileMode {
	umaskOnce.Do(func() {
		m := syscall.Umask(0)
		syscall.Umask(m)
		umaskValue = os.FileMode(m)
	})
	return umaskValue
}
