package ingest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
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
