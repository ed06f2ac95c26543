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
