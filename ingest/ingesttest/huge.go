package ingesttest

import (
	"io"
	"runtime"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/model"
)

// Repeat yields prefix, then body n times, then suffix, holding one copy
// of each: the huge-input tests read gigabytes that take no memory (nor
// disk) of their own.
func Repeat(prefix, body, suffix string, n int) io.Reader {
	return &repeatReader{parts: [3][]byte{[]byte(prefix), []byte(body), []byte(suffix)}, n: n}
}

type repeatReader struct {
	parts [3][]byte
	n     int // repeats of parts[1] left
	pos   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		var k int
		switch {
		case len(r.parts[0]) > 0:
			k = copy(p, r.parts[0])
			r.parts[0] = r.parts[0][k:]
		case r.n > 0 && len(r.parts[1]) > 0:
			k = copy(p, r.parts[1][r.pos:])
			if r.pos += k; r.pos == len(r.parts[1]) {
				r.pos, r.n = 0, r.n-1
			}
		case len(r.parts[2]) > 0:
			k = copy(p, r.parts[2])
			r.parts[2] = r.parts[2][k:]
		default:
			if total == 0 {
				return 0, io.EOF
			}
			return total, nil
		}
		p, total = p[k:], total+k
	}
	return total, nil
}

// CountSink counts what a parser gives, keeping nothing (a million
// rejects kept would be what the heap measures).
type CountSink struct{ Entities, Relationships, Rejects int }

var _ ingest.Sink = (*CountSink)(nil)

func (c *CountSink) Entity(model.Entity) error             { c.Entities++; return nil }
func (c *CountSink) Relationship(model.Relationship) error { c.Relationships++; return nil }
func (c *CountSink) Reject(ingest.Reject) error            { c.Rejects++; return nil }

// HeapGrowth runs fn and returns by how many MiB the heap the runtime holds
// grew meanwhile.
func HeapGrowth(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	if after.HeapSys < before.HeapSys {
		return 0
	}
	return (after.HeapSys - before.HeapSys) >> 20
}
