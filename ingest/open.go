package ingest

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Open opens path for streaming: plain files as they are, gzip files
// (".gz" or gzip magic bytes) decompressed. Read errors — a truncated gzip
// among them — name the file. Zip archives hold several members: use
// ZipMembers for them.
func Open(path string) (io.ReadCloser, error) {
	if strings.EqualFold(fileExt(path), ".zip") {
		return nil, fmt.Errorf("open %s: a zip archive: read its members with ZipMembers", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open %s: gzip: %w", path, err)
		}
		return &namedReader{r: zr, name: path, closers: []io.Closer{zr, f}}, nil
	}
	if strings.EqualFold(fileExt(path), ".gz") {
		f.Close()
		return nil, fmt.Errorf("open %s: not a gzip file", path)
	}
	return &namedReader{r: br, name: path, closers: []io.Closer{f}}, nil
}

func fileExt(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 && !strings.ContainsAny(path[i:], `/\`) {
		return path[i:]
	}
	return ""
}

// namedReader wraps read errors other than io.EOF with the file name, so a
// truncated archive surfaces as "x.gz: unexpected EOF".
type namedReader struct {
	r       io.Reader
	name    string
	closers []io.Closer
}

func (n *namedReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err != nil && err != io.EOF {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		err = fmt.Errorf("read %s: %w", n.name, err)
	}
	return k, err
}

func (n *namedReader) Close() error {
	var errs []error
	for _, c := range n.closers {
		if err := c.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ZipArchive is an open zip file whose members can be streamed one by one.
type ZipArchive struct {
	Path    string
	Members []ZipMember
	zr      *zip.ReadCloser
}

// ZipMember is one regular file inside a zip archive.
type ZipMember struct {
	Name  string // path inside the archive
	Label string // "bundle.zip!member.csv", the name rejects and errors use
	file  *zip.File
}

// ZipMembers opens a zip archive and lists its regular files in archive
// order (directories are left out). The caller closes the archive.
func ZipMembers(path string) (*ZipArchive, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	a := &ZipArchive{Path: path, zr: zr}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		a.Members = append(a.Members, ZipMember{Name: f.Name, Label: path + "!" + f.Name, file: f})
	}
	return a, nil
}

// Close closes the archive.
func (a *ZipArchive) Close() error { return a.zr.Close() }

// Open streams the member, decompressing a gzip member too; read errors
// (a truncated or corrupt member) name archive and member.
func (m ZipMember) Open() (io.ReadCloser, error) {
	rc, err := m.file.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", m.Label, err)
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("open %s: gzip: %w", m.Label, err)
		}
		return &namedReader{r: zr, name: m.Label, closers: []io.Closer{zr, rc}}, nil
	}
	return &namedReader{r: br, name: m.Label, closers: []io.Closer{rc}}, nil
}

// Source is a parser of one source format, reading one input stream at a
// time; name labels the stream's rejects and errors (the path, or
// "archive.zip!member" for a member of a zip archive).
type Source interface {
	ParseReader(ctx context.Context, name string, r io.Reader) error
}

// SourceFunc adapts a function to a Source.
type SourceFunc func(ctx context.Context, name string, r io.Reader) error

// ParseReader calls f.
func (f SourceFunc) ParseReader(ctx context.Context, name string, r io.Reader) error {
	return f(ctx, name, r)
}

// ParseInputs is how every parser of files opens them: it feeds src each
// input stream of path — the file itself, plain or gzip, or every member
// of a zip archive in archive order (gzip members decompressed). An error
// opening an input gets prefix ("ingest gleif: open x.zip: ..."); src's
// own errors are returned as they are, since parsers name themselves.
func ParseInputs(ctx context.Context, src Source, path, prefix string) error {
	if !strings.EqualFold(fileExt(path), ".zip") {
		rc, err := Open(path)
		if err != nil {
			return fmt.Errorf("%s: %w", prefix, err)
		}
		defer rc.Close()
		return src.ParseReader(ctx, path, rc)
	}
	a, err := ZipMembers(path)
	if err != nil {
		return fmt.Errorf("%s: %w", prefix, err)
	}
	defer a.Close()
	for _, m := range a.Members {
		rc, err := m.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", prefix, err)
		}
		err = src.ParseReader(ctx, m.Label, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
