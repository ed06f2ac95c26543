package bods

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest/ingesttest"
)

const hugeHead = `{"statementId":"huge-0001-aaaa-bbbb-cccc-000000000000","declarationSubject":"h","statementDate":"2024-01-10","recordId":"h","recordType":"person","recordDetails":{"isComponent":false,"personType":"knownPerson","names":[{"type":"legal","fullName":"`

const hugeNext = `{"statementId":"huge-0002-aaaa-bbbb-cccc-000000000000","declarationSubject":"n","statementDate":"2024-01-10","recordId":"n","recordType":"entity","recordDetails":{"isComponent":false,"entityType":{"type":"registeredEntity"},"name":"Next Ltd"}}` + "\n"

// TestHugeValue: a statement holding one huge value is rejected (JSON
// lines: reading goes on at the next line) or stops the file (inside an
// array), naming the file, the line and the field, in bounded memory; the
// small limits show the bound is the parser's option, the huge cases that
// the default holds.
func TestHugeValue(t *testing.T) {
	tests := []struct {
		name   string
		max    int
		input  func() io.Reader
		reject string // JSON lines: the reject's field
		err    string // arrays: the error
	}{
		{"lines, small limit", 1 << 10, func() io.Reader {
			return ingesttest.Repeat(hugeHead, "x", `"}]}}`+"\n"+hugeNext, 4<<10)
		}, "recordDetails.names[0].fullName", ""},
		{"lines, key of an object cut", 1 << 10, func() io.Reader {
			return ingesttest.Repeat(`{"statementId":"x","recordDetails":{"`, "k", `":1}}`+"\n"+hugeNext, 4<<10)
		}, "recordDetails", ""},
		{"array, small limit", 1 << 10, func() io.Reader {
			return ingesttest.Repeat("[\n"+strings.TrimSpace(hugeNext)+",\n"+hugeHead, "x", `"}]}}]`, 4<<10)
		}, "", `huge.json: line 3: field "recordDetails.names[0].fullName": statement longer than 1024 bytes`},
		// JSON lines read the long line to its end to go on after it:
		// 256 MiB (16 times the limit) shows memory stays bounded without
		// spending a gigabyte's CPU.
		{"lines, 256 MiB name", 0, func() io.Reader {
			return ingesttest.Repeat(hugeHead, "x", `"}]}}`+"\n"+hugeNext, 256<<20)
		}, "recordDetails.names[0].fullName", ""},
		{"array on one line, 1 GB name", 0, func() io.Reader {
			return ingesttest.Repeat("["+strings.TrimSpace(hugeNext)+","+hugeHead, "x", `"}]}}]`, 1<<30)
		}, "", `huge.json: line 1: field "recordDetails.names[0].fullName": statement longer than 16 MiB`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := ingesttest.NewSink()
			var err error
			grew := ingesttest.HeapGrowth(func() {
				p := NewParser(sink)
				p.MaxStatementBytes = tt.max
				err = p.ParseReader(context.Background(), "huge.json", tt.input())
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want %q", err, tt.err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if len(sink.Rejects) != 1 || sink.Rejects[0].Line != 1 || sink.Rejects[0].Field != tt.reject ||
					!strings.Contains(sink.Rejects[0].Reason, "statement longer than") {
					t.Errorf("rejects %v, want one of line 1, field %q", sink.Rejects, tt.reject)
				}
				if sink.Entities["bods:n"].Name != "Next Ltd" {
					t.Errorf("the next line was not read: %v", sink.Entities)
				}
			}
			if grew > 320 {
				t.Errorf("the heap grew by %d MiB", grew)
			}
			t.Logf("%v %v; heap +%d MiB", err, sink.Rejects, grew)
		})
	}
}

func TestOpenField(t *testing.T) {
	tests := map[string]string{
		`{"a":"xx`:                     "a",
		`{"a":{"b":[1,2,"xx`:           "a.b[2]",
		`{"a":{"b":[1,{"c":"x`:         "a.b[1].c",
		`{"a":1,"b":[{"c":1},{"d":"x`:  "b[1].d",
		`  ,{"a":{"b":1},"c":"x`:       "c",
		`{"a":{"ke`:                    "a",
		`"xx`:                          "",
		`[{"a":1},{"b":[],"c":[[1],"x`: "[1].c[1]",
	}
	for in, want := range tests {
		if got := openField([]byte(in)); got != want {
			t.Errorf("openField(%s) = %q, want %q", in, got, want)
		}
	}
}
