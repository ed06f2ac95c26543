package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestInterrupted: a command whose context was cancelled by Ctrl-C (or
// SIGTERM) exits 128+signal with "interrupted", whatever error the store
// returned for the cancellation.
func TestInterrupted(t *testing.T) {
	n := newNightly(t)
	tests := []struct {
		name     string
		cause    error // nil: not cancelled
		args     []string
		wantCode int
	}{
		{"ctrl-c during score", interruptedError{signal: os.Interrupt}, []string{"score"}, 130},
		{"ctrl-c during export", interruptedError{signal: os.Interrupt}, []string{"export", "--all"}, 130},
		{"sigterm during score", interruptedError{signal: syscall.SIGTERM}, []string{"score"}, 143},
		{"no signal", nil, []string{"runs"}, exitOK},
	}
	n.score(exitOK)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			if tc.cause != nil {
				cancel(tc.cause)
			}
			var out, errOut bytes.Buffer
			code := runContext(ctx, append([]string{"--db", n.db}, tc.args...), strings.NewReader(""), &out, &errOut)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.wantCode, errOut.String())
			}
			if tc.cause != nil && errOut.String() != "ubo: interrupted\n" {
				t.Errorf("stderr %q, want just the interruption", errOut.String())
			}
		})
	}
}

// TestExitCodeInterrupted: the mapping takes the interruption from any
// wrapping, also under a store's own error (SQLite says "interrupted").
func TestExitCodeInterrupted(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{interruptedError{signal: os.Interrupt}, 130},
		{fmt.Errorf("score: %w", interruptedError{signal: syscall.SIGTERM}), 143},
		{errors.New("interrupted (9)"), exitFailure},
	}
	for _, tc := range tests {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
