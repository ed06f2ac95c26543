package csv

import (
	"bufio"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ubo-project/ubo/ingest"
)

// Limits on one record that spans several physical lines (a quoted field
// holding newlines). Beyond them an opening quote is taken to be
// unbalanced: its line is rejected and reading resumes on the next line,
// so one stray quote costs one line, and memory stays bounded.
const (
	maxRecordLines = 1000
	maxRecordBytes = 1 << 20
)

// malformed is a physical line that is not a CSV record; the reader has
// consumed that line only and resumes on the next one.
type malformed struct {
	line   int
	field  int // 0-based index of the field the bad quote is in; -1 when not known
	reason string
}

func (m *malformed) Error() string {
	return fmt.Sprintf("line %d: malformed CSV: %s", m.line, m.reason)
}

// recordReader reads CSV records by physical lines. encoding/csv alone
// lets an unbalanced quote swallow every following line up to the next
// quote (or the end of the file) into one bad record, so those lines are
// neither written nor rejected. Here a record that spans lines is accepted
// only when it parses and has the header's width; otherwise only its
// first line is malformed and the lines after it are read again as
// records of their own. Every physical line thus ends up in exactly one
// record, one malformed line, or is empty.
type recordReader struct {
	br      *bufio.Reader
	pending []physLine // lines read ahead and given back
	next    int        // number of the next line br yields
	eof     bool
	err     error // read error from br (a truncated gzip), returned once pending is drained
	width   int   // fields a multi-line record must have; 0 while reading the header
}

type physLine struct {
	n    int
	text string // with its line ending
}

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{br: bufio.NewReaderSize(ingest.LimitLines(r, ingest.MaxLineBytes), 64<<10), next: 1}
}

// line returns the next physical line, or ok false at the end (rr.err
// says whether the end was an error).
func (rr *recordReader) line() (physLine, bool) {
	if len(rr.pending) > 0 {
		l := rr.pending[0]
		rr.pending = rr.pending[1:]
		return l, true
	}
	if rr.eof {
		return physLine{}, false
	}
	s, err := rr.br.ReadString('\n')
	if err != nil {
		rr.eof = true
		if err != io.EOF {
			// A read error (a truncated gzip): what came before it on
			// this line is a fragment, not a record to write.
			rr.err = err
			return physLine{}, false
		}
		if s == "" {
			return physLine{}, false
		}
	}
	l := physLine{n: rr.next, text: s}
	rr.next++
	return l, true
}

// unread gives lines back, to be read again before anything else.
func (rr *recordReader) unread(lines []physLine) {
	if len(lines) == 0 {
		return
	}
	rr.pending = append(append(make([]physLine, 0, len(lines)+len(rr.pending)), lines...), rr.pending...)
}

// Read returns the next record and the line it starts on. Empty lines
// are skipped, as encoding/csv does. A malformed line comes back as a
// *malformed error; reading may go on after it. Other errors end the
// file.
func (rr *recordReader) Read() ([]string, int, error) {
	for {
		first, ok := rr.line()
		if !ok {
			if rr.err != nil {
				return nil, 0, rr.err
			}
			return nil, 0, io.EOF
		}
		if strings.TrimRight(first.text, "\r\n") == "" {
			continue
		}
		quotes := strings.Count(first.text, `"`)
		if quotes == 0 {
			return strings.Split(strings.TrimSuffix(strings.TrimSuffix(first.text, "\n"), "\r"), ","), first.n, nil
		}
		rec, err := parseRecord(first.text)
		if err == nil {
			return rec, first.n, nil
		}
		if quotes%2 == 0 || errors.Is(err, stdcsv.ErrBareQuote) {
			// Balanced quotes, or a quote inside an unquoted field: the
			// line is bad on its own, whatever follows.
			col := -1
			var pe *stdcsv.ParseError
			if errors.As(err, &pe) && pe.Line == 1 {
				col = pe.Column - 1
			}
			return nil, first.n, &malformed{line: first.n, field: fieldAt(first.text, col), reason: parseReason(err)}
		}
		// An odd number of quotes opens a field that may go on over the
		// next lines: gather them until the quotes balance.
		lines := []physLine{first}
		size := len(first.text)
		for quotes%2 == 1 && len(lines) < maxRecordLines && size < maxRecordBytes {
			l, ok := rr.line()
			if !ok {
				break
			}
			lines = append(lines, l)
			size += len(l.text)
			quotes += strings.Count(l.text, `"`)
		}
		if quotes%2 == 0 {
			var b strings.Builder
			for _, l := range lines {
				b.WriteString(l.text)
			}
			rec, err := parseRecord(b.String())
			if err == nil && (rr.width == 0 || len(rec) == rr.width) {
				return rec, first.n, nil
			}
		}
		// No record of the right shape ends where the quotes balance (or
		// they never do): the quote on the first line is unbalanced.
		rr.unread(lines[1:])
		last := lines[len(lines)-1].n
		why := fmt.Sprintf("unbalanced quote: the quoted field opened on this line does not close within a record of %d fields", rr.width)
		switch {
		case rr.width == 0:
			why = "unbalanced quote: the quoted field opened on this line does not close"
		case quotes%2 == 1 && (len(lines) >= maxRecordLines || size >= maxRecordBytes):
			why = fmt.Sprintf("unbalanced quote: no closing quote within %d lines", last-first.n+1)
		case quotes%2 == 1:
			why = "unbalanced quote: no closing quote before the end of the file"
		}
		return nil, first.n, &malformed{line: first.n, field: fieldAt(first.text, -1), reason: why + "; the following lines are read on their own"}
	}
}

// fieldAt is the 0-based index of the field holding byte offset col of
// line, counting separators outside quotes; with col < 0, of the field
// whose opening quote is still open at the end of the line. -1 when there
// is none.
func fieldAt(line string, col int) int {
	field, open, inQuotes := 0, -1, false
	for i := 0; i < len(line); i++ {
		if i == col {
			return field
		}
		switch line[i] {
		case '"':
			inQuotes = !inQuotes
			if inQuotes {
				open = field
			}
		case ',':
			if !inQuotes {
				field++
			}
		}
	}
	if col < 0 && inQuotes {
		return open
	}
	return -1
}

// parseRecord parses text as exactly one CSV record.
func parseRecord(text string) ([]string, error) {
	r := stdcsv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil {
		return nil, err
	}
	if _, err := r.Read(); err != io.EOF {
		// The quotes balanced across a line end in a way that makes
		// several records: not one record spanning lines.
		return nil, errors.New("the lines make more than one record")
	}
	return rec, nil
}

func parseReason(err error) string {
	var pe *stdcsv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
