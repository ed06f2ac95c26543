package bods

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxRecordBytes bounds one statement (a JSON line, or a pretty-printed
// object spread over several lines) so a file without newlines cannot make
// the reader buffer without limit.
const maxRecordBytes = 64 << 20

// record is one raw statement and the 1-based line where it starts.
type record struct {
	line int
	raw  []byte // valid JSON
	bad  string // non-empty: the record is malformed (reject it) and raw is nil
}

// readRecords streams the statements of r, which holds either a JSON array
// of statements or JSON lines (one statement per line; a pretty-printed
// object spanning lines is accepted too). fn receives each record; a
// malformed JSON line is handed over with bad set, while a syntax error
// inside an array is fatal (an array cannot be resynchronised).
func readRecords(name string, r io.Reader, fn func(record) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	if first == '[' {
		return readArray(name, br, fn)
	}
	return readLines(name, br, fn)
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

func readLines(name string, br *bufio.Reader, fn func(record) error) error {
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
		chunk, err := readLine(br)
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
				if len(buf) > maxRecordBytes {
					if ferr := flushBad(fmt.Sprintf("record longer than %d bytes", maxRecordBytes)); ferr != nil {
						return ferr
					}
				}
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
// newline at end of file), however long it is.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return append([]byte(nil), line...), err
	}
	out := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		line, err = br.ReadSlice('\n')
		out = append(out, line...)
		if len(out) > maxRecordBytes+1 {
			// Keep consuming so the caller can resynchronise at the next line.
			continue
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

func readArray(name string, br *bufio.Reader, fn func(record) error) error {
	lt := &lineTracker{r: br}
	dec := json.NewDecoder(lt)
	if _, err := dec.Token(); err != nil { // '['
		return fmt.Errorf("%s: line 1: %w", name, err)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%s: line %d: invalid JSON in array: %w", name, lt.nextValueLine(dec.InputOffset()), err)
		}
		start := dec.InputOffset() - int64(len(raw))
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
}

func (t *lineTracker) Read(p []byte) (int, error) {
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
