package export

import (
	"bufio"
	"encoding/json"
	"io"
)

type jsonlEncoder struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

func newJSONLEncoder(w io.Writer) *jsonlEncoder {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &jsonlEncoder{bw: bw, enc: enc}
}

func (e *jsonlEncoder) begin() error            { return nil }
func (e *jsonlEncoder) write(rec *Record) error { return e.enc.Encode(rec) }
func (e *jsonlEncoder) end() error              { return e.bw.Flush() }
