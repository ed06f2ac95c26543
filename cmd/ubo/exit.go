package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/ubo-project/ubo/investigate"
	"github.com/ubo-project/ubo/store"
)

// Exit codes, the one place they are defined (--help's EXIT STATUS and the
// README list them).
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitUnreachable = 3
	exitRejects     = 4
	exitNewFlags    = 5
	// exitInterrupted is 128 + SIGINT, what shells report for Ctrl-C
	// (SIGTERM gives 128 + 15).
	exitInterrupted = 130
)

const exitStatusHelp = `EXIT STATUS
  0  success
  1  failure
  2  usage error (unknown command or flag, bad argument; an ingest input that is empty or
     not the source's format)
  3  store unreachable (Neo4j down, wrong credentials, embedded file locked, unreadable or
     corrupt; score, ingest: another score or ingest holds the store's lock)
  4  ingest finished, but some records were rejected (see the rejects file)
  4  screen finished, but some customer rows were rejected (see the rejects file)
  5  score --fail-on-new-flags: the run flagged entities the previous complete run of the same
     policy had not;
     screen --fail-on-flagged: a MATCHED customer's verdict is flagged
  130 interrupted (Ctrl-C, SIGINT; 143 for SIGTERM): nothing half-done is taken as complete`

// usageError marks errors in how the command was called (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// rejectsError reports an ingest that wrote its good records but rejected
// some (exit 4).
type rejectsError struct {
	Rejected    int
	RejectsFile string
}

func (e rejectsError) Error() string {
	return fmt.Sprintf("%d record(s) rejected; see %s", e.Rejected, e.RejectsFile)
}

// newFlagsError is returned by score --fail-on-new-flags (exit 5).
type newFlagsError struct{ NewlyFlagged int }

func (e newFlagsError) Error() string {
	return fmt.Sprintf("%d entit(y/ies) newly flagged since the previous run of the same policy", e.NewlyFlagged)
}

// flaggedCustomersError is returned by screen --fail-on-flagged (exit 5).
type flaggedCustomersError struct{ Flagged int }

func (e flaggedCustomersError) Error() string {
	return fmt.Sprintf("%d matched customer(s) have a flagged verdict", e.Flagged)
}

// interruptedError is the cause of the command context's cancellation on
// SIGINT or SIGTERM.
type interruptedError struct{ signal os.Signal }

func (e interruptedError) Error() string { return "interrupted" }

// code is 128 + the signal number, as shells report a process killed by it.
func (e interruptedError) code() int {
	if s, ok := e.signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitInterrupted
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var ue usageError
	var inputErr investigate.InputError
	var re rejectsError
	var ne newFlagsError
	var fe flaggedCustomersError
	var ie interruptedError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ie):
		return ie.code()
	case errors.As(err, &ue), errors.As(err, &inputErr):
		return exitUsage
	case errors.Is(err, store.ErrUnreachable):
		return exitUnreachable
	case errors.As(err, &re):
		return exitRejects
	case errors.As(err, &ne), errors.As(err, &fe):
		return exitNewFlags
	default:
		return exitFailure
	}
}
