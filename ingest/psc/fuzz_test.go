package psc

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// checkSink fails on any record that breaks the parser's contract.
type checkSink struct {
	entities map[string]bool
	problems []string
}

func (s *checkSink) Entity(e model.Entity) error {
	if e.ID == "" || !e.Kind.Valid() {
		s.problems = append(s.problems, fmt.Sprintf("entity %+v", e))
	}
	s.entities[e.ID] = true
	return nil
}

func (s *checkSink) Relationship(r model.Relationship) error {
	if !s.entities[r.HolderID] || !s.entities[r.HeldID] || !r.Kind.Valid() || r.HolderID == r.HeldID {
		s.problems = append(s.problems, fmt.Sprintf("relationship %+v", r))
	}
	if err := r.Share.Validate(); err != nil || math.IsNaN(r.Share.Min) {
		s.problems = append(s.problems, fmt.Sprintf("share %+v: %v", r.Share, err))
	}
	return nil
}

func (s *checkSink) Reject(r ingest.Reject) error {
	if r.File != "fuzz" || r.Line < 1 || r.Reason == "" {
		s.problems = append(s.problems, fmt.Sprintf("reject %+v", r))
	}
	return nil
}

func FuzzPSCLine(f *testing.F) {
	for _, p := range append(parts, "../../testdata/cross/psc.txt") {
		file, err := os.Open(p)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			f.Add(append([]byte(nil), sc.Bytes()...))
		}
		file.Close()
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, line []byte) {
		s := &checkSink{entities: map[string]bool{}}
		_, err := ParseReader(context.Background(), "fuzz", bytes.NewReader(line), s, Options{Log: quiet})
		if err != nil {
			t.Fatalf("a line in memory is never a fatal error: %v", err)
		}
		if len(s.problems) > 0 {
			t.Fatalf("contract broken: %q", s.problems)
		}
	})
}
