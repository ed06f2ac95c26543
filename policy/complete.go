package policy

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Completions are the values a shell offers for a --policy argument that
// starts with prefix: the built-in presets first, then the policy files
// (.yaml, .yml) and the directories of prefix's directory whose path starts
// with prefix, directories ending in "/" (more=true then: the shell must
// not add a space after one, the user goes on typing the path). An
// unreadable directory offers no files: completion never fails.
func Completions(prefix string) (values []string, more bool) {
	for _, p := range Presets() {
		if strings.HasPrefix(p, prefix) {
			values = append(values, p)
		}
	}
	dir, base := filepath.Split(prefix)
	entries, err := os.ReadDir(dirOrDot(dir))
	if err != nil {
		return values, false
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if fi, err := os.Stat(filepath.Join(dirOrDot(dir), name)); err == nil {
				isDir = fi.IsDir()
			}
		}
		switch ext := strings.ToLower(filepath.Ext(name)); {
		case isDir:
			files = append(files, dir+name+"/")
			more = true
		case ext == ".yaml" || ext == ".yml":
			files = append(files, dir+name)
		}
	}
	sort.Strings(files)
	return append(values, files...), more
}

func dirOrDot(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}
