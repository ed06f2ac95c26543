package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ubo-project/ubo/gen"
)

// Resource faults (issue 18 item 4): a disk that fills during an ingest or
// an export, and an embedded store file that is damaged.

// tmpfs mounts a tmpfs of size bytes on a new directory for the test. It
// needs root; CI runs as root, so there a failed mount fails the test.
func tmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the disk-full tests mount a small tmpfs, which needs root (CI runs them as root)")
	}
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		msg := "mount -t tmpfs: " + err.Error() + ": " + strings.TrimSpace(string(out))
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: the disk-full tests must not skip)")
		}
		t.Skip(msg + " (no CAP_SYS_ADMIN?)")
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// resize changes the size of the tmpfs at dir (freeing or taking space).
func resize(t *testing.T, dir, size string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,size="+size, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s size=%s: %v: %s", dir, size, err, out)
	}
}

// fill writes a file into dir until fewer than leave bytes are free.
func fill(t *testing.T, dir string, leave int64) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		if int64(st.Bavail)*st.Bsize < leave {
			return
		}
		if _, err := f.Write(block); err != nil {
			return // full already
		}
	}
}

// genRegistry writes a synthetic registry of n entities and returns the
// ingest arguments for it.
func genRegistry(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	if _, err := gen.WriteCSV(gen.Config{Entities: n, Seed: 1, ChineseShare: gen.DefaultChineseShare}, dir); err != nil {
		t.Fatal(err)
	}
	return []string{"ingest", "csv", "--entities", filepath.Join(dir, "entities.csv"),
		"--relationships", filepath.Join(dir, "relationships.csv")}
}

func entityCount(t *testing.T, db string) float64 {
	t.Helper()
	total := 0.0
	for _, n := range dbStatus(t, db)["entities"].(map[string]any) {
		total += n.(float64)
	}
	return total
}

// TestDiskFullDuringIngest: an ingest into an embedded store on a disk
// that fills up fails with a clear error (exit 1), the store still opens
// with what was committed before, and once there is room again the same
// ingest completes.
func TestDiskFullDuringIngest(t *testing.T) {
	small := tmpfs(t, "3m")
	db := filepath.Join(small, "ubo.db")
	entities, relationships := abs(t, "entities.csv"), abs(t, "relationships.csv")
	t.Chdir(t.TempDir())
	if code, _, stderr := runUbo(t, "--db", db, "ingest", "csv", "--entities", entities,
		"--relationships", relationships); code != 0 {
		t.Fatalf("first ingest: exit %d: %s", code, stderr)
	}
	before := entityCount(t, db)
	big := genRegistry(t, 20000) // about 25 MB of store: far more than the disk has
	code, _, stderr := runUbo(t, append([]string{"--db", db}, big...)...)
	if code != exitFailure {
		t.Fatalf("ingest on a full disk: exit %d, want %d: %s", code, exitFailure, stderr)
	}
	for _, want := range []string{db, "disk is full", "FAILED part way"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("ingest on a full disk does not say %q:\n%s", want, stderr)
		}
	}
	t.Logf("ingest on a full disk, exit 1:\n%s", stderr)
	if after := entityCount(t, db); after < before {
		t.Errorf("the store holds %v entities after the failed ingest, %v before", after, before)
	}
	resize(t, small, "64m")
	if code, _, stderr := runUbo(t, append([]string{"--db", db}, big...)...); code != 0 {
		t.Fatalf("the ingest with room again: exit %d: %s", code, stderr)
	}
	if got := entityCount(t, db); got != before+20000 {
		t.Errorf("%v entities after the rerun, want %v", got, before+20000)
	}
}

// TestDiskFullDuringExport: an export --out to a disk that fills up fails
// with an error naming the file, leaves the previous export untouched and
// no temporary file behind.
func TestDiskFullDuringExport(t *testing.T) {
	small := tmpfs(t, "1m")
	db := filepath.Join(t.TempDir(), "ubo.db")
	t.Chdir(t.TempDir())
	if code, _, stderr := runUbo(t, append([]string{"--db", db}, genRegistry(t, 3000)...)...); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runUbo(t, "--db", db, "score", "--as-of", "2026-01-01"); code != 0 {
		t.Fatalf("score: exit %d: %s", code, stderr)
	}
	out := filepath.Join(small, "flagged.jsonl")
	if code, _, stderr := runUbo(t, "--db", db, "export", "--verdict", "CHINESE_ENTITY", "--out", out); code != 0 {
		t.Fatalf("first export: exit %d: %s", code, stderr)
	}
	previous, err := os.ReadFile(out)
	if err != nil || len(previous) == 0 {
		t.Fatalf("first export: %d bytes, %v", len(previous), err)
	}
	fill(t, small, 64<<10)
	code, _, stderr := runUbo(t, "--db", db, "export", "--all", "--out", out) // megabytes
	if code != exitFailure {
		t.Fatalf("export to a full disk: exit %d, want %d: %s", code, exitFailure, stderr)
	}
	for _, want := range []string{out, "no space left on device"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("export to a full disk does not say %q: %s", want, stderr)
		}
	}
	t.Logf("export to a full disk, exit 1: %s", stderr)
	if now, err := os.ReadFile(out); err != nil || !bytes.Equal(now, previous) {
		t.Errorf("the previous export changed (%d bytes, was %d; %v)", len(now), len(previous), err)
	}
	entries, _ := os.ReadDir(small)
	for _, e := range entries {
		if e.Name() != "flagged.jsonl" && e.Name() != "filler" {
			t.Errorf("the failed export left %s behind", e.Name())
		}
	}
}

// TestCorruptEmbeddedStore: db status on a damaged store file says the
// file is corrupt (exit 3) and what to do, whatever the damage, and
// never panics; --check finds damage in pages the counts do not read.
func TestCorruptEmbeddedStore(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	t.Chdir(t.TempDir())
	if code, _, stderr := runUbo(t, append([]string{"--db", good}, genRegistry(t, 3000)...)...); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	if code, _, stderr := runUbo(t, "--db", good, "score", "--as-of", "2026-01-01"); code != 0 {
		t.Fatalf("score: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	random := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
	const page = 4096
	pages := len(data) / page
	overwrite := func(from, n int) []byte {
		b := bytes.Clone(data)
		copy(b[from*page:], random(n*page))
		return b
	}
	tests := []struct {
		name    string
		content []byte
		check   bool // only --check is sure to find it
	}{
		{"truncated to half", data[:len(data)/2], false},
		{"truncated inside the header", data[:60], false},
		{"random bytes", random(len(data)), false},
		{"random header", append(random(100), data[100:]...), false},
		{"random pages among the entities", overwrite(3, 40), false},
		// The last pages hold the results, which the counts do not read.
		{"random pages among the results", overwrite(pages-20, 10), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "ubo.db")
			if err := os.WriteFile(db, tt.content, 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{"--db", db, "db", "status"}
			if tt.check {
				args = append(args, "--check")
			}
			code, _, stderr := runUbo(t, args...)
			if code != exitUnreachable {
				t.Fatalf("%s: exit %d, want %d: %s", strings.Join(args[2:], " "), code, exitUnreachable, stderr)
			}
			for _, want := range []string{db, "corrupt", "restore it from a backup"} {
				if !strings.Contains(stderr, want) {
					t.Errorf("%s does not say %q: %s", strings.Join(args[2:], " "), want, stderr)
				}
			}
		})
	}
	if code, out, stderr := runUbo(t, "--db", good, "db", "status", "--check"); code != 0 || !strings.Contains(out, "check:    ok") {
		t.Errorf("db status --check of the intact file: exit %d: %s%s", code, out, stderr)
	}
}
