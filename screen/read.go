package screen

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/match"
)

// Columns of a customer file, by name. customer_id and name are required.
var Columns = []string{"customer_id", "name", "country", "lei", "registration_number",
	"registration_country", "uscc", "identifiers", "address"}

// Reject is one customer row that could not be read, and why.
type Reject struct {
	File   string
	Line   int
	Field  string // "" when the whole row is unreadable
	Reason string
}

func (r Reject) Error() string {
	s := fmt.Sprintf("%s: line %d", r.File, r.Line)
	if r.Field != "" {
		s += fmt.Sprintf(": field %q", r.Field)
	}
	return s + ": " + r.Reason
}

// Format is the customer file's format.
type Format string

const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
)

// Formats lists the formats of customer files and of screened rows, the
// default output format first (for shell completion).
var Formats = []string{string(JSONL), string(CSV)}

// DetectFormat picks the format from the file name, else from the first
// byte that is not a space ('{' is JSON Lines).
func DetectFormat(name string, head []byte) Format {
	switch {
	case hasSuffixFold(name, ".csv"):
		return CSV
	case hasSuffixFold(name, ".jsonl"), hasSuffixFold(name, ".ndjson"), hasSuffixFold(name, ".json"):
		return JSONL
	}
	if t := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		return JSONL
	}
	return CSV
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// A Reader yields customers one at a time. Next returns the customer and
// its line, or a Reject for a row it cannot use (reading goes on), or
// io.EOF at the end. Any other error stops the file.
type Reader struct {
	file string
	next func() (match.Customer, int, error)
	seen map[string]int // customer_id → line
}

// NewReader reads customers in format f from r; file names the input in
// rejects and errors. A CSV file's header row names the columns; an
// unknown or repeated column, or a missing customer_id or name column, is
// an error naming it.
func NewReader(r io.Reader, file string, f Format) (*Reader, error) {
	rd := &Reader{file: file, seen: map[string]int{}}
	switch f {
	case CSV:
		if err := rd.initCSV(r); err != nil {
			return nil, err
		}
	case JSONL:
		rd.initJSONL(r)
	default:
		return nil, fmt.Errorf("unknown customer file format %q (csv or jsonl)", f)
	}
	return rd, nil
}

// Next returns the next customer; see Reader.
func (rd *Reader) Next() (match.Customer, int, error) {
	c, line, err := rd.next()
	if err != nil {
		return c, line, err
	}
	if rej := rd.check(&c, line); rej != nil {
		return match.Customer{}, line, rej
	}
	return c, line, nil
}

// check normalises what the matcher expects and rejects what it cannot
// use: a missing id or name, a repeated id, a country no table knows, an
// identifier not written SCHEME:value. A well-shaped identifier that fails
// its check digits is kept: the matcher reports it as a reason.
func (rd *Reader) check(c *match.Customer, line int) error {
	reject := func(field, format string, a ...any) error {
		return &Reject{File: rd.file, Line: line, Field: field, Reason: fmt.Sprintf(format, a...)}
	}
	c.CustomerID = strings.TrimSpace(c.CustomerID)
	c.Name = strings.TrimSpace(c.Name)
	if c.CustomerID == "" {
		return reject("customer_id", "missing")
	}
	if first, dup := rd.seen[c.CustomerID]; dup {
		return reject("customer_id", "%q repeats the customer of line %d", c.CustomerID, first)
	}
	rd.seen[c.CustomerID] = line
	if c.Name == "" {
		return reject("name", "missing")
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"country", &c.Country}, {"registration_country", &c.RegistrationCountry}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" {
			continue
		}
		iso, ok := norm.Country(*f.v)
		if !ok {
			return reject(f.name, "%q is not a country (use an ISO 3166 code or an English name)", *f.v)
		}
		*f.v = iso
	}
	for _, id := range c.Identifiers {
		scheme, value, ok := strings.Cut(id, ":")
		if !ok || strings.TrimSpace(scheme) == "" || strings.TrimSpace(value) == "" {
			return reject("identifiers", "%q is not SCHEME:value (e.g. XI-LEI:5493..., GB-COH:01234567)", id)
		}
	}
	return nil
}

func splitIdentifiers(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// MaxLineBytes bounds one line of a customer file, and MaxRecordBytes one
// CSV record (a quoted field may span lines): a longer one stops the file
// with an error naming its line, instead of taking memory without bound
// (a file of binary data, an unclosed quote at the top of a large file).
const (
	MaxLineBytes   = 16 << 20
	MaxRecordBytes = 32 << 20
)

// limitReader fails a read once a line grows past MaxLineBytes or the
// bytes handed out since the last reset (one CSV record, give or take the
// CSV reader's read-ahead) past MaxRecordBytes.
type limitReader struct {
	r          io.Reader
	line, rec  int
	lines      int // newlines read
	errTooLong error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.errTooLong != nil {
		return 0, l.errTooLong
	}
	n, err := l.r.Read(p)
	// A read is far shorter than a line may be, so only the line the read
	// ends in can grow past the limit.
	if i := bytes.LastIndexByte(p[:n], '\n'); i >= 0 {
		l.line = n - i - 1
		l.lines += bytes.Count(p[:i+1], []byte{'\n'})
	} else {
		l.line += n
	}
	if l.line > MaxLineBytes {
		l.errTooLong = fmt.Errorf("line %d: longer than %d MiB (not a customer file?)", l.lines+1, MaxLineBytes>>20)
		return 0, l.errTooLong
	}
	if l.rec += n; l.rec > MaxRecordBytes {
		l.errTooLong = fmt.Errorf("a record longer than %d MiB (an unclosed quote?)", MaxRecordBytes>>20)
		return 0, l.errTooLong
	}
	return n, err
}

func (rd *Reader) initCSV(r io.Reader) error {
	lim := &limitReader{r: r}
	br := bufio.NewReader(lim)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file: want a header row with at least customer_id,name", rd.file)
	}
	if err != nil {
		return fmt.Errorf("%s: header: %w", rd.file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(Columns, h) {
			return fmt.Errorf("%s: line 1: unknown column %q (columns: %s)", rd.file, header[i], strings.Join(Columns, ", "))
		}
		if _, dup := col[h]; dup {
			return fmt.Errorf("%s: line 1: column %q appears twice", rd.file, h)
		}
		col[h] = i
	}
	for _, need := range []string{"customer_id", "name"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("%s: line 1: missing column %q (required: customer_id, name)", rd.file, need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok {
			return rec[i]
		}
		return ""
	}
	last := 1 // the line of the last record read
	rd.next = func() (match.Customer, int, error) {
		lim.rec = 0
		rec, err := cr.Read()
		if err != nil && lim.errTooLong != nil {
			return match.Customer{}, last, fmt.Errorf("%s: after line %d: %w", rd.file, last, lim.errTooLong)
		}
		// FieldPos panics for a record without fields, which is what a
		// parse error returns: it is asked only of a record read.
		line := last
		if err == nil {
			line, _ = cr.FieldPos(0)
			last = line
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				reason := pe.Err.Error()
				if pe.Err == csv.ErrFieldCount {
					reason = fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))
				}
				return match.Customer{}, pe.StartLine, &Reject{File: rd.file, Line: pe.StartLine, Reason: reason}
			}
			return match.Customer{}, line, err
		}
		return match.Customer{
			CustomerID: get(rec, "customer_id"), Name: get(rec, "name"), Country: get(rec, "country"),
			LEI: strings.TrimSpace(get(rec, "lei")), RegistrationNumber: strings.TrimSpace(get(rec, "registration_number")),
			RegistrationCountry: get(rec, "registration_country"), USCC: strings.TrimSpace(get(rec, "uscc")),
			Identifiers: splitIdentifiers(get(rec, "identifiers")), Address: strings.TrimSpace(get(rec, "address")),
		}, line, nil
	}
	return nil
}

// jsonCustomer accepts identifiers as a list or as one "A:1;B:2" string.
type jsonCustomer struct {
	match.Customer
	Identifiers json.RawMessage `json:"identifiers,omitempty"`
}

func (rd *Reader) initJSONL(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	line := 0
	rd.next = func() (match.Customer, int, error) {
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\ufeff"))
			}
			if len(b) == 0 {
				continue
			}
			if b[0] != '{' {
				// Garbage (a binary file, a CSV given as JSON Lines) is
				// rejected without starting a JSON decoder per line.
				return match.Customer{}, line, &Reject{File: rd.file, Line: line, Reason: "not a customer object: a JSON object starts with '{'"}
			}
			var jc jsonCustomer
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&jc); err != nil {
				return match.Customer{}, line, &Reject{File: rd.file, Line: line, Reason: "not a customer object: " + err.Error()}
			}
			c := jc.Customer
			if len(jc.Identifiers) > 0 && string(jc.Identifiers) != "null" {
				var list []string
				var one string
				switch {
				case json.Unmarshal(jc.Identifiers, &list) == nil:
					for _, s := range list {
						c.Identifiers = append(c.Identifiers, splitIdentifiers(s)...)
					}
				case json.Unmarshal(jc.Identifiers, &one) == nil:
					c.Identifiers = splitIdentifiers(one)
				default:
					return match.Customer{}, line, &Reject{File: rd.file, Line: line, Field: "identifiers",
						Reason: "want a list of \"SCHEME:value\" strings"}
				}
			}
			return c, line, nil
		}
		if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
			return match.Customer{}, line, fmt.Errorf("%s: line %d: longer than %d MiB (not a customer file?)", rd.file, line+1, MaxLineBytes>>20)
		} else if err != nil {
			return match.Customer{}, line, fmt.Errorf("%s: line %d: %w", rd.file, line+1, err)
		}
		return match.Customer{}, line, io.EOF
	}
}
