package gleif

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/ingest"
)

// peekReader lets the format be recognised from the first bytes.
type peekReader struct{ *bufio.Reader }

func newPeekReader(r io.Reader) peekReader { return peekReader{bufio.NewReaderSize(r, 64<<10)} }

// looksLikeXML skips a byte-order mark and white space and reports whether
// the content starts with '<'.
func (p peekReader) looksLikeXML() (bool, error) {
	if b, err := p.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		p.Discard(3)
	}
	for i := 1; ; i++ {
		b, err := p.Peek(i)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return false, fmt.Errorf("empty file")
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				return false, fmt.Errorf("no content in the first %d bytes", i-1)
			}
			return false, err
		}
		switch b[i-1] {
		case ' ', '\t', '\r', '\n':
			continue
		case '<':
			return true, nil
		default:
			return false, nil
		}
	}
}

// header is the LEIHeader / Header element of a golden-copy XML file.
type header struct {
	FileContent string `xml:"FileContent"`
	RecordCount string `xml:"RecordCount"`
}

// rootKinds maps the root element of each golden-copy XML file.
var rootKinds = map[string]Kind{
	"LEIData":                KindLEI,
	"RelationshipData":       KindRR,
	"ReportingExceptionData": KindExceptions,
}

// checkEvery is how many records pass between context checks.
const checkEvery = 1024

// parseXML streams the file token by token and decodes one record element
// at a time, so memory stays flat however large the file.
func parseXML(ctx context.Context, name string, r io.Reader, em *emitter, opts Options) error {
	dec := xml.NewDecoder(ingest.LimitXMLValues(r, opts.maxValue()))
	dec.Strict = true
	kind := KindUnknown
	depth := 0
	records := 0
	declared := -1
	syntaxErr := func(err error) error {
		line, col := dec.InputPos()
		var se *xml.SyntaxError
		var tooLong *ingest.ValueTooLongError
		if errors.As(err, &tooLong) {
			return fmt.Errorf("ingest gleif: %s: %w", name, err)
		}
		if errors.As(err, &se) {
			return fmt.Errorf("ingest gleif: %s: line %d: invalid XML: %s", name, se.Line, se.Msg)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("ingest gleif: %s: line %d, column %d: truncated XML: %w", name, line, col, err)
		}
		return fmt.Errorf("ingest gleif: %s: line %d, column %d: %w", name, line, col, err)
	}
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return syntaxErr(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			depth--
			continue
		case xml.StartElement:
			depth++
			if depth == 1 {
				k, ok := rootKinds[t.Name.Local]
				if !ok {
					return fmt.Errorf("ingest gleif: %s: line %d: root element <%s> is not a GLEIF golden-copy file (want LEIData, RelationshipData or ReportingExceptionData)", name, line, t.Name.Local)
				}
				kind = k
				continue
			}
			var recErr error
			switch {
			case t.Name.Local == "LEIHeader" || t.Name.Local == "Header":
				var h header
				if err := dec.DecodeElement(&h, &t); err != nil {
					return syntaxErr(err)
				}
				if n, err := strconv.Atoi(strings.TrimSpace(h.RecordCount)); err == nil {
					declared = n
				}
			case kind == KindLEI && t.Name.Local == "LEIRecord":
				var rec leiRecord
				if err := dec.DecodeElement(&rec, &t); err != nil {
					return syntaxErr(err)
				}
				records++
				recErr = em.lei(&rec)
			case kind == KindRR && t.Name.Local == "RelationshipRecord":
				var rec rrRecord
				if err := dec.DecodeElement(&rec, &t); err != nil {
					return syntaxErr(err)
				}
				records++
				recErr = em.relationship(&rec)
			case kind == KindExceptions && t.Name.Local == "Exception":
				var rec exceptionRecord
				if err := dec.DecodeElement(&rec, &t); err != nil {
					return syntaxErr(err)
				}
				records++
				recErr = em.exception(&rec)
			default:
				continue // a container (LEIRecords, ...): descend
			}
			depth-- // DecodeElement consumed the end element
			if t.Name.Local != "LEIHeader" && t.Name.Local != "Header" {
				ingest.CountRead(em.sink, 1)
			}
			if err := em.handle(line, recErr); err != nil {
				return err
			}
			if records%checkEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
	}
	if kind == KindUnknown {
		return fmt.Errorf("ingest gleif: %s: no root element", name)
	}
	if declared >= 0 && declared != records {
		opts.log().Warn("gleif: record count differs from the file header",
			"file", name, "header", declared, "read", records)
	}
	return ctx.Err()
}
