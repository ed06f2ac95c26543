//go:build faults && linux

package faults

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// server is the Neo4j of scripts/neo4j-local that the tests may kill.
type server struct {
	home, port, script string
	uri                string
}

// neo4jServer is the server NEO4J_LOCAL_HOME and NEO4J_LOCAL_PORT name,
// which must be running. Without them the test skips, or fails with
// CI=true: CI must not pass by skipping the Neo4j faults.
func neo4jServer(t *testing.T) *server {
	t.Helper()
	home, port := os.Getenv("NEO4J_LOCAL_HOME"), os.Getenv("NEO4J_LOCAL_PORT")
	if home == "" || port == "" {
		msg := "NEO4J_LOCAL_HOME and NEO4J_LOCAL_PORT do not name a scripts/neo4j-local server these tests may kill (scripts/faults starts one)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: the Neo4j faults must not skip)")
		}
		t.Skip(msg)
	}
	script := os.Getenv("UBO_FAULTS_NEO4J_LOCAL")
	if script == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatal(err)
		}
		script = filepath.Join(root, "scripts", "neo4j-local")
	}
	s := &server{home: home, port: port, script: script, uri: "bolt://127.0.0.1:" + port}
	if _, err := s.pid(); err != nil {
		t.Fatalf("Neo4j for the fault tests: %v", err)
	}
	return s
}

// pid is the launcher's pid, checked to be the launcher of this home: the
// pid file alone could name any process after a reboot.
func (s *server) pid() (int, error) {
	b, err := os.ReadFile(filepath.Join(s.home, "neo4j.pid"))
	if err != nil {
		return 0, fmt.Errorf("no server runs for NEO4J_LOCAL_HOME=%s: %w", s.home, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("%s/neo4j.pid: %w", s.home, err)
	}
	home, err := filepath.Abs(s.home)
	if err != nil {
		return 0, err
	}
	if real, err := filepath.EvalSymlinks(home); err == nil {
		home = real
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !bytes.Contains(cmdline, []byte("-Dubo.neo4j.home="+home+"\x00")) {
		return 0, fmt.Errorf("pid %d of %s/neo4j.pid is not the launcher of that home", pid, s.home)
	}
	return pid, nil
}

// kill9 kills the server with SIGKILL and waits until its Bolt port is closed.
func (s *server) kill9(t *testing.T) {
	t.Helper()
	pid, err := s.pid()
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 Neo4j (pid %d): %v", pid, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		_, gone := os.Stat(fmt.Sprintf("/proc/%d/cmdline", pid))
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+s.port, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		if gone != nil && err != nil {
			t.Logf("Neo4j (pid %d) killed with SIGKILL", pid)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Neo4j (pid %d) still there 30 s after SIGKILL", pid)
}

// start starts the server again (it recovers its store from its
// transaction log) and returns how long that took.
func (s *server) start(t *testing.T) time.Duration {
	t.Helper()
	t0 := time.Now()
	cmd := exec.Command(s.script, "start")
	cmd.Env = append(os.Environ(), "NEO4J_LOCAL_HOME="+s.home, "NEO4J_LOCAL_PORT="+s.port)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s start: %v\n%s", s.script, err, out)
	}
	took := time.Since(t0)
	t.Logf("Neo4j restarted and recovered in %s", took.Round(100*time.Millisecond))
	return took
}
