package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestIngestTruncatedGzipSaysWhatWasKept is issue 19 item 5 on both
// stores: an ingest that fails on a truncated .gz exits 1 and says how
// many records the store keeps, and the store holds exactly those (the
// fragment before the cut is not written).
func TestIngestTruncatedGzipSaysWhatWasKept(t *testing.T) {
	dir := t.TempDir()
	var plain bytes.Buffer
	plain.WriteString("id,name,kind\n")
	const rows = 12000 // more than a batch, so some are committed before the cut
	for i := range rows {
		fmt.Fprintf(&plain, "c%d,Company %d Limited,company\n", i, i)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	trunc := filepath.Join(dir, "entities.csv.gz")
	if err := os.WriteFile(trunc, gz.Bytes()[:gz.Len()*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	kept := regexp.MustCompile(`FAILED part way; the store keeps what was written before the error: (\d+) entity and 0 relationship records \(read (\d+), rejected 0`)
	for _, s := range bothStores {
		t.Run(s.name, func(t *testing.T) {
			db := s.db(t)
			t.Chdir(t.TempDir())
			code, _, stderr := runUbo(t, "--db", db, "ingest", "csv", "--entities", trunc)
			if code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			if !strings.Contains(stderr, trunc+": line ") || !strings.Contains(stderr, "unexpected EOF") {
				t.Errorf("stderr does not name the file, line and error: %s", stderr)
			}
			m := kept.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("stderr does not say what was kept: %s", stderr)
			}
			n, _ := strconv.Atoi(m[1])
			if read, _ := strconv.Atoi(m[2]); n == 0 || n >= rows || read != n {
				t.Errorf("kept %d of %d rows, read %s", n, rows, m[2])
			}
			status := dbStatus(t, db)
			if got := status["entities"].(map[string]any)["company"]; got != float64(n) {
				t.Errorf("store holds %v companies, the message says %d", got, n)
			}
		})
	}
}

// TestJoinOnce: a store error that stopped the parser is reported once,
// not once from the parser and again from the Writer's Close.
func TestJoinOnce(t *testing.T) {
	storeErr := errors.New("write 5000 relationships: neo4j: store unreachable")
	other := errors.New("write rejects file: disk full")
	tests := []struct {
		name              string
		parseErr, closeEr error
		want              string
	}{
		{"none", nil, nil, ""},
		{"parse only", fmt.Errorf("f.csv: line 3: %w", io.ErrUnexpectedEOF), nil, "f.csv: line 3: unexpected EOF"},
		{"close only", nil, errors.Join(storeErr), storeErr.Error()},
		{"the store error twice", fmt.Errorf("relationships.csv: %w", storeErr), errors.Join(storeErr), "relationships.csv: " + storeErr.Error()},
		{"the store error and another", storeErr, errors.Join(storeErr, other), storeErr.Error() + "\n" + storeErr.Error() + "\n" + other.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if err := joinOnce(tt.parseErr, tt.closeEr); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("joinOnce = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestIngestErrorPrefixOnce: a parser's error (here a .gz cut short) is
// printed with "ingest <source>: " once, whichever parser it comes from.
func TestIngestErrorPrefixOnce(t *testing.T) {
	for _, tc := range []struct {
		source, fixture string
		flag            []string
	}{
		{"csv", "../../testdata/csv/entities.csv", []string{"--entities"}},
		{"gleif", "../../testdata/gleif/lei-data.xml", nil},
		{"psc", "../../testdata/psc/psc-snapshot-part1.txt", nil},
		{"bods", "../../testdata/bods/v04-chain.jsonl", nil},
		{"ftm", "../../testdata/ftm/entities.ftm.json", nil},
	} {
		t.Run(tc.source, func(t *testing.T) {
			data, err := os.ReadFile(tc.fixture)
			if err != nil {
				t.Fatal(err)
			}
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(data)
			zw.Close()
			dir := t.TempDir()
			cut := filepath.Join(dir, filepath.Base(tc.fixture)+".gz")
			if err := os.WriteFile(cut, gz.Bytes()[:gz.Len()-12], 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			args := append(append([]string{"--db", filepath.Join(dir, "ubo.db"), "ingest", tc.source}, tc.flag...), cut)
			code, _, stderr := runUbo(t, args...)
			var line string
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "ubo: ") {
					line = l
				}
			}
			prefix := "ingest " + tc.source + ": "
			if code != exitFailure || !strings.HasPrefix(line, "ubo: "+prefix) || strings.Count(line, prefix) != 1 {
				t.Errorf("exit %d, error line %q: want exit %d and %q once; stderr:\n%s", code, line, exitFailure, prefix, stderr)
			}
		})
	}
}

// TestIngestZipMembersBODSAndFtM: BODS and FtM open their inputs through
// the shared opener, so a .zip of a fixture loads what the plain file does.
func TestIngestZipMembersBODSAndFtM(t *testing.T) {
	for _, tc := range []struct{ source, fixture string }{
		{"bods", "../../testdata/bods/v04-chain.jsonl"},
		{"ftm", "../../testdata/ftm/entities.ftm.json"},
	} {
		t.Run(tc.source, func(t *testing.T) {
			data, err := os.ReadFile(tc.fixture)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create(filepath.Base(tc.fixture))
			w.Write(data)
			zw.Close()
			archive := filepath.Join(dir, "bundle.zip")
			if err := os.WriteFile(archive, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			plain, err := filepath.Abs(tc.fixture)
			if err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			var loaded []string
			for i, in := range []string{plain, archive} {
				db := filepath.Join(dir, fmt.Sprintf("%d.db", i))
				if code, _, stderr := runUbo(t, "--db", db, "ingest", tc.source, in); code != 0 {
					t.Fatalf("ingest %s %s: exit %d: %s", tc.source, in, code, stderr)
				}
				loaded = append(loaded, fmt.Sprint(dbStatus(t, db)["entities"]))
			}
			if loaded[0] != loaded[1] || loaded[0] == "map[]" {
				t.Errorf("entities by kind: plain file %s, zip %s", loaded[0], loaded[1])
			}
		})
	}
}
