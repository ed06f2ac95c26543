package main

import (
	"os"
	"path/filepath"
	"testing"
)

// --cpuprofile and --memprofile write profiles pprof can read (a gzipped
// protobuf, magic 1f 8b) for any command; a profile that cannot be written
// is an error.
func TestProfileFlags(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	code, _, stderr := runUbo(t, "policy", "list", "--cpuprofile", cpu, "--memprofile", mem)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s: %d bytes, %v; want a gzipped pprof profile", filepath.Base(p), len(b), err)
		}
	}
	code, _, stderr = runUbo(t, "policy", "list", "--cpuprofile", filepath.Join(dir, "no", "such", "dir", "cpu.prof"))
	if code == 0 {
		t.Errorf("an unwritable --cpuprofile exits 0: %s", stderr)
	}
}
