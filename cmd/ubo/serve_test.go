package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeRefusesOpenListenWithoutToken: off loopback, a token is required.
func TestServeRefusesOpenListenWithoutToken(t *testing.T) {
	t.Setenv("UBO_API_TOKEN", "")
	code, _, stderr := runUbo(t, "serve", "--listen", "0.0.0.0:0", "--db", filepath.Join(t.TempDir(), "ubo.db"))
	if code != 2 || !strings.Contains(stderr, "UBO_API_TOKEN") {
		t.Errorf("serve --listen 0.0.0.0:0 without a token: exit %d, stderr %q; want 2 naming UBO_API_TOKEN", code, stderr)
	}
}

// TestServeDemo runs `ubo serve` on the demo store the way a user does,
// screens a customer over HTTP and stops it with SIGINT.
func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ubo.db")
	loadDemo(t, db)
	addr := freeAddr(t)
	t.Setenv("UBO_API_TOKEN", "")
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run([]string{"serve", "--listen", addr, "--db", db}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	base := "http://" + addr
	waitHealthy(t, base, done)

	body := `{"customers":[{"customer_id":"k1","name":"Kowloon Bay Trading Limited","country":"HK"}]}`
	resp, err := http.Post(base+"/api/v1/match", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Results []struct {
			CustomerID, Status, EntityID, Verdict string
		} `json:"results"`
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || len(got.Results) != 1 || got.Results[0].Status != "MATCHED" || got.Results[0].Verdict == "" {
		t.Errorf("POST /match: %d %+v %v", resp.StatusCode, got, err)
	}
	if page, err := http.Get(base + "/"); err != nil || page.StatusCode != 200 {
		t.Errorf("GET /: %v %v", page, err)
	} else {
		page.Body.Close()
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve stopped with exit %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	if !strings.Contains(stderr.String(), "http://"+addr+"/") {
		t.Errorf("stderr does not give the page's address: %s", stderr.String())
	}
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHealthy polls /api/v1/healthz until the server answers, failing if
// serve exits first.
func waitHealthy(t *testing.T, base string, done <-chan int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before answering", code)
		default:
		}
		if resp, err := http.Get(base + "/api/v1/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer within 30 s", base)
}
