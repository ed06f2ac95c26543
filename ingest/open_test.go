package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readAll(path string) (string, error) {
	rc, err := Open(path)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("id,name,kind\n", 5000)
	full := gz(t, body)
	tests := []struct {
		name    string
		file    string
		data    []byte
		want    string
		wantErr string
	}{
		{"plain", "a.csv", []byte(body), body, ""},
		{"gzip by extension", "a.csv.gz", full, body, ""},
		{"gzip by magic bytes", "a.csv", full, body, ""},
		{"empty plain", "e.csv", nil, "", ""},
		{"truncated gzip", "t.csv.gz", full[:len(full)/2], "", "t.csv.gz: unexpected EOF"},
		{"gz extension, not gzip", "n.csv.gz", []byte("id\n"), "", "not a gzip file"},
		{"zip", "b.zip", []byte("PK"), "", "ZipMembers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, dir, tt.file, tt.data)
			got, err := readAll(p)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.file) {
					t.Fatalf("err = %v, want one naming %s and containing %q", err, tt.file, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %d bytes, err %v", len(got), err)
			}
		})
	}
	if _, err := Open(filepath.Join(dir, "missing.csv")); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: %v", err)
	}
}

func TestZipMembers(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.Create("dir/")
	w, _ := zw.Create("dir/one.csv")
	w.Write([]byte("one\n"))
	w, _ = zw.Create("two.csv.gz")
	w.Write(gz(t, "two\n"))
	zw.Close()
	path := write(t, dir, "bundle.zip", b.Bytes())

	a, err := ZipMembers(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if len(a.Members) != 2 || a.Members[0].Name != "dir/one.csv" || a.Members[1].Label != path+"!two.csv.gz" {
		t.Fatalf("members = %+v", a.Members)
	}
	for i, want := range []string{"one\n", "two\n"} {
		rc, err := a.Members[i].Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != want {
			t.Errorf("member %d = %q, %v", i, got, err)
		}
	}

	trunc := write(t, dir, "cut.zip", b.Bytes()[:len(b.Bytes())/2])
	if _, err := ZipMembers(trunc); err == nil || !strings.Contains(err.Error(), "cut.zip") {
		t.Errorf("truncated zip: %v", err)
	}
}

// TestParseInputs: every input stream of a path reaches the Source with
// its label — a plain file, a gzip file, each member of a zip (a gzip
// member decompressed) — and only open errors get the prefix.
func TestParseInputs(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.Create("dir/")
	w, _ := zw.Create("dir/one.jsonl")
	w.Write([]byte("one\n"))
	w, _ = zw.Create("two.jsonl.gz")
	w.Write(gz(t, "two\n"))
	zw.Close()
	plain := write(t, dir, "plain.jsonl", []byte("plain\n"))
	gzipped := write(t, dir, "g.jsonl.gz", gz(t, "gzipped\n"))
	archive := write(t, dir, "bundle.zip", b.Bytes())
	for _, tc := range []struct {
		path string
		want []string
	}{
		{plain, []string{plain + "=plain\n"}},
		{gzipped, []string{gzipped + "=gzipped\n"}},
		{archive, []string{archive + "!dir/one.jsonl=one\n", archive + "!two.jsonl.gz=two\n"}},
	} {
		var got []string
		src := SourceFunc(func(_ context.Context, name string, r io.Reader) error {
			data, err := io.ReadAll(r)
			got = append(got, name+"="+string(data))
			return err
		})
		if err := ParseInputs(context.Background(), src, tc.path, "ingest test"); err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	// A missing file is an open error, prefixed; the Source's error is not.
	err := ParseInputs(context.Background(), SourceFunc(func(context.Context, string, io.Reader) error { return nil }),
		filepath.Join(dir, "nope.jsonl"), "ingest test")
	if err == nil || !strings.HasPrefix(err.Error(), "ingest test: open ") || !strings.Contains(err.Error(), "nope.jsonl") {
		t.Errorf("missing file: %v", err)
	}
	own := errors.New("ingest test: plain.jsonl: line 1: bad")
	if err := ParseInputs(context.Background(), SourceFunc(func(context.Context, string, io.Reader) error { return own }),
		plain, "ingest test"); err != own {
		t.Errorf("the Source's error came back as %v, want it unchanged", err)
	}
}
