package ingest

import (
	"bytes"
	"fmt"
	"io"
)

// MaxLineBytes bounds one physical line of the line-based formats (CSV,
// JSON Lines): no record of theirs comes near it, and without a bound a
// file of binary data or one gigabyte-long line would be read whole into
// memory before any parser could reject it.
const MaxLineBytes = 16 << 20

// LineTooLongError is what a LimitLines reader fails with.
type LineTooLongError struct {
	Line int // 1-based physical line
	Max  int
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than %d MiB (binary data, or not a line-based file?)", e.Line, e.Max>>20)
}

// LimitLines returns a reader of r that fails with a *LineTooLongError
// once a physical line grows past max bytes (a read error, so the parser
// stops, naming its file); parsers of line-based formats read through it.
func LimitLines(r io.Reader, max int) io.Reader { return &lineLimiter{r: r, max: max, n: 1} }

type lineLimiter struct {
	r    io.Reader
	max  int
	line int // bytes of the current line so far
	n    int // its number
	err  error
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	k, err := l.r.Read(p)
	b := p[:k]
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.line += len(b)
			break
		}
		if l.line+i > l.max {
			l.line += i
			break
		}
		l.line, l.n, b = 0, l.n+1, b[i+1:]
	}
	if l.line > l.max {
		l.err = &LineTooLongError{Line: l.n, Max: l.max}
		return 0, l.err
	}
	return k, err
}

// ValueTooLongError is what a LimitXMLValues reader fails with.
type ValueTooLongError struct {
	Line    int    // 1-based line of the start tag the value follows
	Element string // that start tag's name, "" when none was seen
	Max     int
}

func (e *ValueTooLongError) Error() string {
	el := "a value"
	if e.Element != "" {
		el = "element <" + e.Element + ">: a value"
	}
	return fmt.Sprintf("line %d: %s longer than %d MiB (one text or attribute value; binary data, or not this format?)", e.Line, el, e.Max>>20)
}

// LimitXMLValues returns a reader of r that fails with a
// *ValueTooLongError once more than max bytes pass without a '<': no text
// or attribute value of XML can hold one unescaped, so every single value
// is bounded, and the decoder never buffers a gigabyte-long one. The error
// names the start tag the value follows and its line.
func LimitXMLValues(r io.Reader, max int) io.Reader {
	return &xmlValueLimiter{r: r, max: max, line: 1}
}

type xmlValueLimiter struct {
	r       io.Reader
	max     int
	run     int // bytes since the last '<'
	line    int // current line
	name    []byte
	naming  bool // reading the name after a '<'
	tag     string
	tagLine int
	err     error
}

const maxTagName = 128

func (l *xmlValueLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	k, err := l.r.Read(p)
	for _, c := range p[:k] {
		switch {
		case c == '<':
			l.run, l.naming, l.name = 0, true, l.name[:0]
			continue
		case c == '\n':
			l.line++
		}
		l.run++
		if l.naming {
			if c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\r' || c == '\n' || len(l.name) >= maxTagName {
				l.naming = false
				if len(l.name) > 0 && l.name[0] != '?' && l.name[0] != '!' {
					l.tag, l.tagLine = string(l.name), l.line
				}
			} else {
				l.name = append(l.name, c)
			}
		}
		if l.run > l.max {
			l.err = &ValueTooLongError{Line: l.tagLine, Element: l.tag, Max: l.max}
			if l.tag == "" {
				l.err.(*ValueTooLongError).Line = l.line
			}
			return 0, l.err
		}
	}
	return k, err
}
