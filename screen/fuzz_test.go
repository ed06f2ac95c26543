package screen

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzCustomerReader feeds arbitrary bytes to the customer reader as CSV
// and as JSON Lines: it never panics, every row it gives has an id and a
// name, every reject names a line and a reason, and lines never go back.
func FuzzCustomerReader(f *testing.F) {
	f.Add([]byte("customer_id,name,country,lei\nc1,Acme Ltd,GB,\nc2,\"Quoted, Name\",CN,5493001KJTIIGC8Y1R12\n"), false)
	f.Add([]byte("customer_id,name\nc1,\"open\nc2,x\n"), false)
	f.Add([]byte("\ufeffcustomer_id,name,identifiers\nc1,A,XI-LEI:1;GB-COH:2\n"), false)
	f.Add([]byte(`{"customer_id":"c1","name":"Acme","identifiers":["XI-LEI:1"]}`+"\n"+`{"customer_id":"c2","name":"B","identifiers":"GB-COH:2;X:3"}`+"\n{\n"), true)
	f.Add([]byte(`{"customer_id":"c1","name":"A","country":"Mars"}`+"\n"+`[[[[[[[[1]]]]]]]]`+"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, jsonl bool) {
		format := CSV
		if jsonl {
			format = JSONL
		}
		rd, err := NewReader(bytes.NewReader(data), "fuzz", format)
		if err != nil {
			return // a bad CSV header is an error of its own
		}
		last := 0
		for range 100000 {
			c, line, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var rej *Reject
			switch {
			case errors.As(err, &rej):
				if rej.Line < 1 || rej.Reason == "" {
					t.Fatalf("reject without line or reason: %+v", rej)
				}
			case err != nil:
				return // a read error ends the file
			case c.CustomerID == "" || c.Name == "":
				t.Fatalf("line %d: customer without id or name: %+v", line, c)
			}
			if line < last {
				t.Fatalf("line %d after line %d", line, last)
			}
			last = line
		}
		t.Fatalf("more than 100,000 rows from %d bytes", len(data))
	})
}
