package csv

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse measures rows per second through the parser into a
// discarding sink (50k entities, 50k relationships).
func BenchmarkParse(b *testing.B) {
	dir := b.TempDir()
	const n = 50000
	ents, rels := filepath.Join(dir, "e.csv"), filepath.Join(dir, "r.csv")
	writeLines(b, ents, "id,name,kind,jurisdiction,identifiers", n, func(i int) string {
		return fmt.Sprintf("c%d,Company %d Ltd,company,GB,GB-COH:%d", i, i, i)
	})
	writeLines(b, rels, "holder_id,held_id,kind,share", n, func(i int) string {
		return fmt.Sprintf("c%d,c%d,ownership,%d", i, (i+1)%n, i%100)
	})
	b.ResetTimer()
	for b.Loop() {
		sink := &fakeSink{}
		if err := Parse(context.Background(), ents, rels, sink, Options{}); err != nil {
			b.Fatal(err)
		}
		if len(sink.rejects) != 0 {
			b.Fatal(sink.rejects[0])
		}
	}
	b.ReportMetric(float64(2*n*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func writeLines(b *testing.B, path, header string, n int, line func(int) string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, header)
	for i := range n {
		fmt.Fprintln(w, line(i))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
}
