package ingest

import (
	"archive/zip"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckFormat is issue 19 item 12: each ingestor refuses another
// source's files, the wrong syntax and empty files, naming the file and
// what it looks like, and accepts its own (including files whose first
// lines are bad records).
func TestCheckFormat(t *testing.T) {
	dir := t.TempDir()
	sample := func(name string) string { return filepath.Join("..", "demo", "sample", name) }
	td := func(name string) string { return filepath.Join("..", "testdata", name) }
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, nil, 0o644)
	blank := filepath.Join(dir, "blank.csv")
	os.WriteFile(blank, []byte("\n \r\n\t\n"), 0o644)
	emptyGz := filepath.Join(dir, "empty.jsonl.gz")
	f, _ := os.Create(emptyGz)
	gzip.NewWriter(f).Close()
	f.Close()
	emptyMember := filepath.Join(dir, "bundle.zip")
	f, _ = os.Create(emptyMember)
	zw := zip.NewWriter(f)
	zw.Create("part1.txt")
	zw.Close()
	f.Close()
	binary := filepath.Join(dir, "x.bin")
	os.WriteFile(binary, []byte("\x00\x01\x02garbage"), 0o644)

	tests := []struct {
		source, path string
		want         []string // nil: accepted
	}{
		// each source's own files
		{"gleif", sample("gleif-lei.xml"), nil},
		{"gleif", td("gleif/rr-data.csv"), nil},
		{"gleif", td("gleif/golden-copy-csv.zip"), nil},
		{"gleif", td("gleif/lei-data.xml.gz"), nil},
		{"psc", sample("psc-snapshot.jsonl"), nil},
		{"psc", td("psc/psc-snapshot.zip"), nil},
		{"bods", sample("bods-0.4.json"), nil},
		{"bods", td("bods/v03.json"), nil},
		{"bods", td("bods/bad.jsonl"), nil},
		{"ftm", sample("ftm-entities.json"), nil},
		{"ftm", td("ftm/bad.ftm.json"), nil}, // first line has no schema; the second tells
		{"ftm", td("ftm/entities.delta.json"), nil},
		{"csv", td("csv/entities.csv"), nil},
		{"csv", td("csv/entities-bad.csv"), nil},
		{"icij", td("icij/bundle"), nil},
		// another source's files
		{"gleif", sample("psc-snapshot.jsonl"), []string{"psc-snapshot.jsonl", "PSC snapshot records", `use "ubo ingest psc"`}},
		{"gleif", sample("customers.csv"), []string{"customers.csv", "not GLEIF", "CSV with header customer_id"}},
		{"psc", sample("gleif-lei.xml"), []string{"gleif-lei.xml", "XML, root element <LEIData>"}},
		{"psc", sample("bods-0.4.json"), []string{"bods-0.4.json", "BODS statements", `use "ubo ingest bods"`}},
		{"bods", sample("gleif-rr.xml"), []string{"gleif-rr.xml", "XML, root element <RelationshipData>"}},
		{"bods", sample("ftm-entities.json"), []string{"FollowTheMoney entities"}},
		{"ftm", sample("gleif-repex.xml"), []string{"XML, root element <ReportingExceptionData>"}},
		{"ftm", sample("psc-snapshot.jsonl"), []string{"PSC snapshot records"}},
		{"csv", sample("psc-snapshot.jsonl"), []string{"not the generic CSV format", "PSC snapshot records"}},
		{"csv", td("gleif/lei-data.csv"), []string{"GLEIF golden-copy CSV", `use "ubo ingest gleif"`}},
		{"icij", sample("psc-snapshot.jsonl"), []string{"a folder or a .zip", "PSC snapshot records"}},
		{"psc", binary, []string{"x.bin", "binary data"}},
		{"psc", td("csv"), []string{"a folder"}},
		// empty files: refused alike by every ingestor
		{"gleif", empty, []string{"empty.json", "the file is empty"}},
		{"psc", empty, []string{"the file is empty"}},
		{"bods", empty, []string{"the file is empty"}},
		{"ftm", empty, []string{"the file is empty"}},
		{"csv", empty, []string{"the file is empty"}},
		{"csv", blank, []string{"blank.csv", "the file is empty"}},
		{"psc", emptyGz, []string{"empty.jsonl.gz", "the file is empty"}},
		{"psc", emptyMember, []string{"bundle.zip!part1.txt", "the file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.source+" "+filepath.Base(tt.path), func(t *testing.T) {
			err := CheckFormat(tt.source, tt.path)
			if tt.want == nil {
				if err != nil {
					t.Errorf("refused its own format: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("err = %v, want ErrFormat", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
	if err := CheckFormat("psc", filepath.Join(dir, "missing.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
