package bods

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ubo-project/ubo/ingest"
)

// DefaultMaxStatementBytes bounds one statement (a JSON line, a
// pretty-printed object spread over several lines, or an element of a JSON
// array, which is often the whole file on one line) so that a single huge
// value — a gigabyte-long name — cannot make the reader buffer without
// limit. A longer statement is rejected naming the field it was in (JSON
// lines: reading goes on at the next line) or, inside an array, which
// cannot be resynchronised, stops the file with that error.
const DefaultMaxStatementBytes = ingest.MaxLineBytes

// record is one raw statement and the 1-based line where it starts.
type record struct {
	line     int
	raw      []byte // valid JSON
	bad      string // non-empty: the record is malformed (reject it) and raw is nil
	badField string // the field a too-long record was in
}

// errStatementTooLong is what the array reader's byte counter fails with.
var errStatementTooLong = errors.New("statement too long")

func tooLong(max int) string {
	size := fmt.Sprintf("%d bytes", max)
	if max%(1<<20) == 0 {
		size = fmt.Sprintf("%d MiB", max>>20)
	}
	return "statement longer than " + size + " (one huge value? the limit bounds memory)"
}

// readRecords streams the statements of r, which holds either a JSON array
// of statements or JSON lines (one statement per line; a pretty-printed
// object spanning lines is accepted too). fn receives each record; a
// malformed JSON line is handed over with bad set, while a syntax error
// inside an array is fatal (an array cannot be resynchronised).
func readRecords(name string, r io.Reader, max int, fn func(record) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	if first == '[' {
		return readArray(name, br, max, fn)
	}
	return readLines(name, br, max, fn)
}

// firstByte skips a UTF-8 byte order mark and white space and peeks the
// first significant byte without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.Discard(1)
			continue
		}
		return b[0], nil
	}
}

func readLines(name string, br *bufio.Reader, max int, fn func(record) error) error {
	var (
		buf       []byte
		line      int // current line number
		startLine int // where buf started
	)
	flushBad := func(reason string) error {
		rec := record{line: startLine, bad: reason}
		buf = buf[:0]
		return fn(rec)
	}
	for {
		chunk, err := readLine(br, max)
		if len(chunk) > 0 || err == nil {
			line++
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: line %d: %w", name, line, err)
		}
		trimmed := bytes.TrimSpace(chunk)
		if len(buf) > 0 && len(chunk) > 0 && chunk[0] == '{' {
			// An unindented '{' starts a new record: what was buffered was a
			// truncated line, not the head of a pretty-printed object.
			if ferr := flushBad("truncated JSON record"); ferr != nil {
				return ferr
			}
		}
		if len(buf) == 0 {
			if len(trimmed) == 0 {
				if err == io.EOF {
					return nil
				}
				continue
			}
			startLine = line
		}
		if len(buf)+len(chunk) > max {
			// Too long: reject it naming the field the limit cut, without
			// copying a limit-sized line once more.
			head := chunk
			if len(buf) > 0 {
				head = append(buf, chunk[:min(len(chunk), max)]...)
			}
			rec := record{line: startLine, bad: tooLong(max), badField: openField(head[:min(len(head), max)])}
			buf = buf[:0]
			if ferr := fn(rec); ferr != nil {
				return ferr
			}
			if err == io.EOF {
				return nil
			}
			continue
		}
		buf = append(buf, chunk...)
		if len(buf) > 0 {
			switch state := jsonState(buf); state {
			case jsonComplete:
				rec := record{line: startLine, raw: bytes.TrimSpace(buf)}
				if ferr := fn(rec); ferr != nil {
					return ferr
				}
				buf = buf[:0]
			case jsonIncomplete:
			default:
				if ferr := flushBad("malformed JSON: " + state.String()); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			if len(bytes.TrimSpace(buf)) > 0 {
				return flushBad("truncated JSON record at end of file")
			}
			return nil
		}
	}
}

// readLine returns the next line including its newline (without a final
// newline at end of file); of a line longer than max it keeps the first
// max+1 bytes and consumes the rest, so the caller sees it is too long and
// goes on at the next line in bounded memory.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return append([]byte(nil), line...), err
	}
	out := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		line, err = br.ReadSlice('\n')
		if room := max + 1 - len(out); room > 0 {
			out = append(out, line[:min(room, len(line))]...)
		}
	}
	return out, err
}

type parseState struct {
	complete, incomplete bool
	msg                  string
}

var (
	jsonComplete   = parseState{complete: true}
	jsonIncomplete = parseState{incomplete: true}
)

func (s parseState) String() string { return s.msg }

// jsonState says whether b holds one complete JSON value, the beginning of
// one, or something malformed.
func jsonState(b []byte) parseState {
	if json.Valid(b) {
		return jsonComplete
	}
	var v json.RawMessage
	err := json.Unmarshal(b, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(b, " \t\r\n"))) && se.Error() == "unexpected end of JSON input" {
		return jsonIncomplete
	}
	if err == nil {
		return parseState{msg: "not a single JSON value"}
	}
	return parseState{msg: err.Error()}
}

func readArray(name string, br *bufio.Reader, max int, fn func(record) error) error {
	lt := &lineTracker{r: br, max: max}
	dec := json.NewDecoder(lt)
	if _, err := dec.Token(); err != nil { // '['
		return fmt.Errorf("%s: line 1: %w", name, err)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, errStatementTooLong) {
				field := openField(lt.sinceMark())
				return fmt.Errorf("%s: line %d: field %q: %s", name, lt.nextValueLine(dec.InputOffset()), field, tooLong(max))
			}
			return fmt.Errorf("%s: line %d: invalid JSON in array: %w", name, lt.nextValueLine(dec.InputOffset()), err)
		}
		lt.mark = dec.InputOffset()
		start := lt.mark - int64(len(raw))
		if err := fn(record{line: lt.lineAt(start), raw: raw}); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return fmt.Errorf("%s: line %d: array not closed: %w", name, lt.lineAt(dec.InputOffset()), err)
	}
	return nil
}

// lineTracker passes bytes through and answers "which line is byte offset
// n on?" for monotonically increasing n, keeping only the bytes the
// decoder has read but not yet been asked about.
type lineTracker struct {
	r       io.Reader
	pending []byte // bytes from offset base on
	base    int64  // offset of pending[0]
	lines   int    // newlines before base
	max     int    // bytes the decoder may read past mark
	mark    int64  // offset where the last statement ended
}

func (t *lineTracker) Read(p []byte) (int, error) {
	if t.base+int64(len(t.pending))-t.mark > int64(t.max) {
		return 0, errStatementTooLong
	}
	n, err := t.r.Read(p)
	t.pending = append(t.pending, p[:n]...)
	return n, err
}

func (t *lineTracker) lineAt(off int64) int {
	k := off - t.base
	if k < 0 {
		k = 0
	}
	if k > int64(len(t.pending)) {
		k = int64(len(t.pending))
	}
	t.lines += bytes.Count(t.pending[:k], []byte{'\n'})
	t.base += k
	t.pending = append(t.pending[:0], t.pending[k:]...)
	return t.lines + 1
}

// sinceMark is what was read after the last statement, at most max bytes.
func (t *lineTracker) sinceMark() []byte {
	b := t.pending[max(0, min(int64(len(t.pending)), t.mark-t.base)):]
	return b[:min(len(b), t.max)]
}

// nextValueLine is the line of the first byte after off that is not white
// space or a separating comma: where a value that failed to decode starts.
func (t *lineTracker) nextValueLine(off int64) int {
	line := t.lineAt(off)
	for _, b := range t.pending {
		switch b {
		case '\n':
			line++
		case ' ', '\t', '\r', ',':
		default:
			return line
		}
	}
	return line
}

// openField names the field being read where prefix, the head of a JSON
// value, breaks off: "recordDetails.names[0].fullName" for a statement cut
// inside that name; the enclosing object when the cut is in a key; "" at
// the top level. It scans bytes once without allocating per value, since
// prefix may be the limit's size.
func openField(prefix []byte) string {
	type frame struct {
		obj     bool
		key     []byte // objects: the last key read
		valueOf bool   // objects: past the key's ':' (reading its value)
		idx     int    // arrays: index of the element being read
	}
	var stack []frame
	inStr, esc, isKey := false, false, false
	var str []byte
	for _, c := range prefix {
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
				if isKey {
					stack[len(stack)-1].key = append(stack[len(stack)-1].key[:0], str...)
				}
				continue
			}
			if isKey && len(str) < maxKeyBytes {
				str = append(str, c)
			}
			continue
		}
		n := len(stack)
		switch c {
		case '"':
			inStr, str = true, str[:0]
			isKey = n > 0 && stack[n-1].obj && !stack[n-1].valueOf
		case '{', '[':
			stack = append(stack, frame{obj: c == '{'})
		case '}', ']':
			if n > 0 {
				stack = stack[:n-1]
			}
		case ':':
			if n > 0 && stack[n-1].obj {
				stack[n-1].valueOf = true
			}
		case ',':
			if n > 0 && stack[n-1].obj {
				stack[n-1].valueOf = false
			} else if n > 0 {
				stack[n-1].idx++
			}
		}
	}
	var b strings.Builder
	for _, f := range stack {
		switch {
		case f.obj && !f.valueOf:
			return b.String() // in a key, or between members: name the object
		case f.obj:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.Write(f.key)
		default:
			fmt.Fprintf(&b, "[%d]", f.idx)
		}
	}
	return b.String()
}

// maxKeyBytes bounds the key openField keeps.
const maxKeyBytes = 256
