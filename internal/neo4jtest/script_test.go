package neo4jtest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scripts/neo4j-local, tested without Java: a stand-in "launcher" is this test binary re-run
// with the launcher's main class and -D flags on its command line, which is all the script
// looks at. It sleeps until it is killed.

const launcherMain = "org.uboproject.neo4jlauncher.Main"

func TestMain(m *testing.M) {
	if os.Getenv("UBO_FAKE_LAUNCHER") == "1" {
		time.Sleep(5 * time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type fake struct {
	pid  int
	done chan struct{} // closed when it has exited (and is reaped, so kill -0 fails)
}

// fakeLauncher starts a process whose command line has the launcher's main class and args.
func fakeLauncher(t *testing.T, args ...string) fake {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", launcherMain}, args...)...)
	cmd.Env = append(os.Environ(), "UBO_FAKE_LAUNCHER=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f := fake{pid: cmd.Process.Pid, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(f.done) }()
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGKILL); <-f.done })
	return f
}

// alive reports whether f still runs a moment later.
func (f fake) alive() bool {
	select {
	case <-f.done:
		return false
	case <-time.After(300 * time.Millisecond):
		return true
	}
}

// script runs scripts/neo4j-local with the state directory home and env; it returns the
// combined output and the exit status.
func script(t *testing.T, home string, env []string, args ...string) (string, int) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{filepath.Join(root, "scripts", "neo4j-local")}, args...)...)
	cmd.Env = append(os.Environ(), "NEO4J_LOCAL_HOME="+home, "NEO4J_LOCAL_PORT=", "NEO4J_LOCAL_HTTP_PORT=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

func scriptState(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		skipUnlessCI(t, "scripts/neo4j-local reads /proc")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		skipUnlessCI(t, "no bash")
	}
	home, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return home
}

func writePid(t *testing.T, home string, pid int) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(home, "neo4j.pid"), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// The pid file can name another state directory's launcher (its pid reused after ours died):
// stop must leave it running, and status must not call it ours.
func TestNeo4jLocalStopLeavesAnotherLauncherAlone(t *testing.T) {
	home := scriptState(t)
	other := fakeLauncher(t, "-Dubo.neo4j.home="+filepath.Join(home, "elsewhere"), "-Dubo.neo4j.port=7688")
	writePid(t, home, other.pid)

	out, code := script(t, home, nil, "status")
	if code != 3 || !strings.Contains(out, "not running") || !strings.Contains(out, "not this launcher") {
		t.Errorf("status: exit %d, want 3 saying not running and why:\n%s", code, out)
	}
	out, code = script(t, home, nil, "stop")
	if code != 0 || !strings.Contains(out, "not running") {
		t.Errorf("stop: exit %d:\n%s", code, out)
	}
	if !other.alive() {
		t.Fatalf("stop killed pid %d, another state directory's launcher:\n%s", other.pid, out)
	}
	if _, err := os.Stat(filepath.Join(home, "neo4j.pid")); !os.IsNotExist(err) {
		t.Errorf("stop left the stale pid file (%v)", err)
	}
}

// status, uri and start (already running) report the port the running server listens on
// (recorded by the launcher in <home>/ports, else its command line), not NEO4J_LOCAL_PORT;
// stop stops our launcher.
func TestNeo4jLocalReportsTheRunningServersPort(t *testing.T) {
	home := scriptState(t)
	ours := fakeLauncher(t, "-Dubo.neo4j.home="+home, "-Dubo.neo4j.host=127.0.0.1", "-Dubo.neo4j.port=7998",
		"-Dubo.neo4j.http.port=7785")
	writePid(t, home, ours.pid)
	requested := []string{"NEO4J_LOCAL_PORT=7687"}

	// Still starting (no ports file yet): what its command line asked for.
	out, code := script(t, home, requested, "status")
	if code != 0 || !strings.Contains(out, "bolt://127.0.0.1:7998") || !strings.Contains(out, "http://127.0.0.1:7785/browser/") {
		t.Errorf("status before the ports file: exit %d, want bolt 7998 and http 7785:\n%s", code, out)
	}

	// Up: what the launcher recorded.
	if err := os.WriteFile(filepath.Join(home, "ports"), []byte("bolt=127.0.0.1:7999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = script(t, home, requested, "status")
	if code != 0 || !strings.Contains(out, "bolt://127.0.0.1:7999") || strings.Contains(out, "7687") || strings.Contains(out, "Browser") {
		t.Errorf("status: exit %d, want bolt://127.0.0.1:7999 and no HTTP:\n%s", code, out)
	}
	out, code = script(t, home, requested, "uri")
	if code != 0 || strings.TrimSpace(out) != "bolt://127.0.0.1:7999" {
		t.Errorf("uri: exit %d, %q", code, out)
	}
	out, code = script(t, home, requested, "start")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || lines[len(lines)-1] != "bolt://127.0.0.1:7999" || !strings.Contains(out, "not on the requested 127.0.0.1:7687") {
		t.Errorf("start while running: exit %d, want the running server's URI last and a warning:\n%s", code, out)
	}

	out, code = script(t, home, nil, "stop")
	if code != 0 || !strings.Contains(out, "stopped (pid "+strconv.Itoa(ours.pid)+")") {
		t.Errorf("stop: exit %d:\n%s", code, out)
	}
	if ours.alive() {
		t.Error("stop left our launcher running")
	}
	out, code = script(t, home, nil, "uri")
	if code != 3 {
		t.Errorf("uri after stop: exit %d, want 3:\n%s", code, out)
	}
}

// skipUnlessCI skips the test, or fails it when CI=true: CI runs the
// script that starts its Neo4j, so it must test it too.
func skipUnlessCI(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI=true: the neo4j-local script tests must not skip)", reason)
	}
	t.Skip(reason)
}
