// Package atomicfile writes a file so that readers see either the old file
// or the whole new one: a temporary file in the same directory is renamed
// over the path only when writing succeeded.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write calls write with a temporary file beside path and renames it over
// path when write, Sync and Close all succeeded. On failure path is
// untouched and the temporary file removed. The file gets the permissions
// a new file gets under the process umask (0666 &^ umask), as os.Create
// would, so that pickups running as other users can read it.
func Write(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	err = write(tmp)
	if err == nil {
		err = tmp.Chmod(Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

// Perm is the mode a new file gets under the process umask (0666 &^
// umask), for files that are streamed into a temporary file over a long
// run and cannot use Write; os.CreateTemp alone would leave them 0600.
func Perm() os.FileMode { return 0o666 &^ umask() }

// LinkNew gives the finished temporary file tmp the name path, or — when
// a file of that name exists (another run in the same second) — the first
// free "<base>-N<ext>", without ever replacing a file: a hard link fails
// rather than overwrite. It returns the name used.
func LinkNew(tmp, path string) (string, error) {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	for n := 1; n < 1000; n++ {
		name := path
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, n, ext)
		}
		err := os.Link(tmp, name)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, os.Remove(tmp)
	}
	return "", fmt.Errorf("%s and 998 numbered variants exist", path)
}
