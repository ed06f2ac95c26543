package export

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// jsonlEncoder writes each Record as one JSON line, appended by hand into a
// buffer reused across rows: encoding/json's reflection and allocations
// were the export's largest own cost. The bytes are exactly what
// json.Encoder (SetEscapeHTML(false)) writes for a Record; a test holds
// the two together.
type jsonlEncoder struct {
	bw  *bufio.Writer
	buf []byte
}

func newJSONLEncoder(w io.Writer) *jsonlEncoder {
	return &jsonlEncoder{bw: bufio.NewWriterSize(w, 1<<16), buf: make([]byte, 0, 1024)}
}

func (e *jsonlEncoder) begin() error { return nil }
func (e *jsonlEncoder) end() error   { return e.bw.Flush() }

func (e *jsonlEncoder) write(rec *Record) error {
	b, err := appendRecord(e.buf[:0], rec)
	if err != nil {
		return fmt.Errorf("export: entity %q: %w", rec.ID, err)
	}
	e.buf = b
	_, err = e.bw.Write(b)
	return err
}

// appendRecord appends rec as JSON and a newline, in Record's field order.
func appendRecord(b []byte, rec *Record) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = appendJSONString(b, rec.ID)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, rec.Name)
	b = append(b, `,"aliases":`...)
	b = appendJSONStrings(b, rec.Aliases)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, rec.Kind)
	b = append(b, `,"verdict":`...)
	b = appendJSONString(b, string(rec.Verdict))
	b = append(b, `,"indeterminate":`...)
	b = strconv.AppendBool(b, rec.Indeterminate)
	b = append(b, `,"chinese_share":{"min":`...)
	if b, err = appendJSONFloat(b, rec.ChineseShare.Min); err != nil {
		return b, err
	}
	b = append(b, `,"max":`...)
	if b, err = appendJSONFloat(b, rec.ChineseShare.Max); err != nil {
		return b, err
	}
	b = append(b, `},"aggregate_rule":{"certain":`...)
	b = strconv.AppendBool(b, rec.AggregateRule.Certain)
	b = append(b, `,"possible":`...)
	b = strconv.AppendBool(b, rec.AggregateRule.Possible)
	b = append(b, `},"controllers":`...)
	b = appendJSONStrings(b, rec.Controllers)
	b = append(b, `,"joint_controllers":`...)
	b = appendJSONStrings(b, rec.JointControllers)
	b = append(b, `,"evidence":`...)
	if rec.Evidence == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range rec.Evidence {
			ev := &rec.Evidence[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"path":`...)
			b = appendJSONStrings(b, ev.Path)
			b = append(b, `,"share":`...)
			if b, err = appendJSONFloat(b, ev.Share); err != nil {
				return b, err
			}
			b = append(b, `,"explanation":`...)
			b = appendJSONString(b, ev.Explanation)
			if ev.Truncated {
				b = append(b, `,"truncated":true`...)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"run_id":`...)
	b = appendJSONString(b, rec.RunID)
	b = append(b, `,"policy":`...)
	b = appendJSONString(b, rec.Policy)
	b = append(b, "}\n"...)
	return b, nil
}

func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONFloat formats like encoding/json: ES6 number conversion
// ('e' below 1e-6 and from 1e21, exponents not padded); NaN and infinities
// are errors.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// quote, backslash and control characters escaped, invalid UTF-8 replaced
// by U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
