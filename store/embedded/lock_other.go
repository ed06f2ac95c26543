//go:build !unix

package embedded

import (
	"errors"
	"os"
)

// tryLock has no advisory file lock to use on this platform: scoring
// refuses rather than run unlocked.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("scoring locks need flock (a Unix system)")
}

func unlock(*os.File) error { return nil }
