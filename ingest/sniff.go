package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrFormat is wrapped by CheckFormat's errors: the file is empty, or its
// content is not the format the ingestor reads. The CLI treats it as a
// usage error (exit 2), found before the store is touched.
var ErrFormat = errors.New("wrong input format")

// sniffBytes is how much of a file's (decompressed) start Sniff reads.
const sniffBytes = 64 << 10

// sniffLines is how many non-empty lines of JSON lines Sniff looks at, so
// that one bad first line does not hide what the file is.
const sniffLines = 20

// Syntax is the outer syntax of a file.
type Syntax string

// Syntaxes Sniff tells apart.
const (
	SyntaxEmpty   Syntax = "empty"
	SyntaxXML     Syntax = "XML"
	SyntaxJSON    Syntax = "JSON"
	SyntaxText    Syntax = "text" // CSV and anything else line-based
	SyntaxBinary  Syntax = "binary"
	SyntaxUnknown Syntax = "unknown" // the start could not be read; the parser will say why
)

// Look is what the start of a file looks like.
type Look struct {
	Syntax Syntax
	// Source is the ingestor whose files look like this ("gleif", "psc",
	// "bods", "ftm", "csv", "icij"), "" when none is recognised.
	Source string
	// What describes it for messages: `XML, root element <LEIData> (GLEIF
	// golden-copy data)`.
	What string
}

// sourceNames describe each source's input in messages.
var sourceNames = map[string]string{
	"gleif": "GLEIF golden-copy data (XML or CSV)",
	"psc":   "a Companies House PSC snapshot (JSON lines)",
	"bods":  "BODS statements (JSON)",
	"ftm":   "FollowTheMoney entities (JSON lines)",
	"csv":   "the generic CSV format",
	"icij":  "an ICIJ Offshore Leaks CSV bundle",
}

// sourceSyntax is the syntax each source reads.
var sourceSyntax = map[string][]Syntax{
	"gleif": {SyntaxXML, SyntaxText},
	"psc":   {SyntaxJSON},
	"bods":  {SyntaxJSON},
	"ftm":   {SyntaxJSON},
	"csv":   {SyntaxText},
	"icij":  {SyntaxText},
}

// Sniff reads the start of r (at most 64 KiB) and says what it looks like.
// A read error after some bytes is ignored (the sample so far is judged;
// the parser reports the error where it meets it); one before any byte
// gives SyntaxUnknown.
func Sniff(r io.Reader) Look {
	buf := make([]byte, sniffBytes)
	n, err := io.ReadFull(r, buf)
	if n == 0 && err != nil && err != io.EOF {
		return Look{Syntax: SyntaxUnknown, What: "unreadable: " + err.Error()}
	}
	sample := buf[:n]
	sample = bytes.TrimPrefix(sample, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(sample, " \t\r\n")
	if len(trimmed) == 0 {
		if n < sniffBytes {
			return Look{Syntax: SyntaxEmpty, What: "an empty file"}
		}
		return Look{Syntax: SyntaxUnknown, What: "64 KiB of white space"}
	}
	if bytes.HasPrefix(trimmed, []byte("PK\x03\x04")) {
		return Look{Syntax: SyntaxBinary, What: "a zip archive (give it a .zip name)"}
	}
	// A rune cut by the sample's end is not binary.
	if bytes.IndexByte(trimmed, 0) >= 0 || !utf8.Valid(trimmed[:max(0, len(trimmed)-utf8.UTFMax)]) {
		return Look{Syntax: SyntaxBinary, What: "binary data, not text"}
	}
	switch trimmed[0] {
	case '<':
		return sniffXML(trimmed)
	}
	if l, ok := sniffJSONLines(trimmed); ok {
		return l
	}
	return sniffCSV(trimmed)
}

// gleifRoots are the root elements of GLEIF golden-copy XML files.
var gleifRoots = map[string]bool{"LEIData": true, "RelationshipData": true, "ReportingExceptionData": true}

func sniffXML(sample []byte) Look {
	d := xml.NewDecoder(bytes.NewReader(sample))
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return Look{Syntax: SyntaxXML, What: "XML (no root element in the first 64 KiB)"}
		}
		if se, ok := tok.(xml.StartElement); ok {
			l := Look{Syntax: SyntaxXML, What: fmt.Sprintf("XML, root element <%s>", se.Name.Local)}
			if gleifRoots[se.Name.Local] {
				l.Source, l.What = "gleif", l.What+" (GLEIF golden-copy data)"
			}
			return l
		}
	}
}

// sniffJSONLines looks at the first lines (or the first element of a JSON
// array) and recognises the source from the keys of its objects; ok is
// false when no line starts like JSON.
func sniffJSONLines(sample []byte) (Look, bool) {
	if sample[0] == '[' {
		d := json.NewDecoder(bytes.NewReader(sample))
		d.Token() // [
		return describeJSON("a JSON array", [][]string{topKeys(d)}), true
	}
	var keySets [][]string
	objects := false
	lines := bytes.Split(sample, []byte("\n"))
	for _, line := range lines {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(keySets) == sniffLines {
			break
		}
		if line[0] == '{' {
			objects = true
		}
		keySets = append(keySets, topKeys(json.NewDecoder(bytes.NewReader(line))))
	}
	if !objects {
		return Look{}, false
	}
	return describeJSON("JSON lines", keySets), true
}

// describeJSON names the source of the first object whose keys it knows.
func describeJSON(shape string, keySets [][]string) Look {
	for _, keys := range keySets {
		has := func(k string) bool { return slices.Contains(keys, k) }
		switch {
		case has("company_number") && has("data"):
			return Look{Syntax: SyntaxJSON, Source: "psc", What: shape + " of PSC snapshot records (company_number, data)"}
		case has("statementID") || has("statementId") || has("statementType") || has("recordId") || has("recordType"):
			return Look{Syntax: SyntaxJSON, Source: "bods", What: shape + " of BODS statements"}
		case has("schema") && (has("id") || has("properties")), has("op") && has("entity"):
			return Look{Syntax: SyntaxJSON, Source: "ftm", What: shape + " of FollowTheMoney entities"}
		}
	}
	what := shape
	if len(keySets) > 0 && len(keySets[0]) > 0 {
		what += " of objects with keys " + strings.Join(keySets[0][:min(6, len(keySets[0]))], ", ")
	}
	return Look{Syntax: SyntaxJSON, What: what}
}

// topKeys reads one JSON object from d and returns its top-level keys, as
// many as it gets to before the sample ends or the JSON breaks.
func topKeys(d *json.Decoder) []string {
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for {
		tok, err := d.Token()
		if err != nil {
			return keys
		}
		k, ok := tok.(string)
		if !ok {
			return keys // the object's end
		}
		keys = append(keys, k)
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return keys
		}
	}
}

func sniffCSV(sample []byte) Look {
	first, _, _ := bytes.Cut(sample, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(first))
	r.LazyQuotes = true
	head, err := r.Read()
	if err != nil || len(head) < 2 {
		s := strings.TrimSpace(string(first))
		if len(s) > 60 {
			s = s[:60] + "…"
		}
		return Look{Syntax: SyntaxText, What: fmt.Sprintf("text, first line %q", s)}
	}
	cols := map[string]bool{}
	for _, h := range head {
		cols[strings.ToLower(strings.TrimSpace(h))] = true
	}
	shown := head[:min(5, len(head))]
	what := "CSV with header " + strings.Join(shown, ",")
	if len(head) > len(shown) {
		what += ",…"
	}
	l := Look{Syntax: SyntaxText, What: what}
	switch {
	case cols["relationship.startnode.nodeid"] || cols["exception.category"] || cols["lei"] && cols["entity.legalname"]:
		l.Source, l.What = "gleif", what+" (GLEIF golden-copy CSV)"
	case cols["id"] && cols["name"] && cols["kind"], cols["holder_id"] && cols["held_id"] && cols["kind"]:
		l.Source, l.What = "csv", what+" (the generic CSV format)"
	case cols["node_id"], cols["node_id_start"] && cols["node_id_end"]:
		l.Source, l.What = "icij", what+" (ICIJ Offshore Leaks)"
	}
	return l
}

// CheckFormat refuses, before anything is written, a file given to the
// source's ingestor that is empty or plainly another format: another
// source's files (a PSC snapshot given to gleif), the wrong syntax (XML
// given to psc, bods or ftm), binary data. It errs on the side of
// letting a file through: JSON objects of no recognised shape go to a
// JSON ingestor, whose parser rejects what it cannot use line by line.
// Zip archives are checked member by member (for icij only its
// nodes-*.csv and relationships.csv; a folder too). An empty file is
// refused by every ingestor alike. Errors wrap ErrFormat, or are the open
// error (a missing file).
func CheckFormat(source string, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		if source != "icij" {
			return fmt.Errorf("%s: %w: a folder, not a file of %s", path, ErrFormat, sourceNames[source])
		}
		for _, name := range icijMembers {
			p := filepath.Join(path, name)
			if _, err := os.Stat(p); err != nil {
				continue // the parser says which are missing
			}
			if err := checkOne(source, p, func() (io.ReadCloser, error) { return Open(p) }); err != nil {
				return err
			}
		}
		return nil
	}
	if strings.EqualFold(fileExt(path), ".zip") {
		a, err := ZipMembers(path)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrFormat, err)
		}
		defer a.Close()
		for _, m := range a.Members {
			if source == "icij" && !slices.Contains(icijMembers, strings.ToLower(filepath.Base(m.Name))) {
				continue
			}
			if err := checkOne(source, m.Label, m.Open); err != nil {
				return err
			}
		}
		return nil
	}
	if source == "icij" {
		l, err := lookAt(path, func() (io.ReadCloser, error) { return Open(path) })
		if err != nil {
			return err
		}
		return fmt.Errorf("%s: %w: an ICIJ bundle is a folder or a .zip; this file looks like %s", path, ErrFormat, l.What)
	}
	return checkOne(source, path, func() (io.ReadCloser, error) { return Open(path) })
}

// icijMembers are the files of an ICIJ bundle that ubo reads.
var icijMembers = []string{"nodes-entities.csv", "nodes-officers.csv", "nodes-intermediaries.csv",
	"nodes-others.csv", "nodes-addresses.csv", "relationships.csv"}

func lookAt(label string, open func() (io.ReadCloser, error)) (Look, error) {
	rc, err := open()
	if err != nil {
		return Look{}, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	defer rc.Close()
	return Sniff(bufio.NewReader(rc)), nil
}

func checkOne(source, label string, open func() (io.ReadCloser, error)) error {
	l, err := lookAt(label, open)
	if err != nil {
		return err
	}
	want := sourceNames[source]
	switch {
	case l.Syntax == SyntaxUnknown:
		return nil
	case l.Syntax == SyntaxEmpty:
		return fmt.Errorf("%s: %w: the file is empty (expected %s)", label, ErrFormat, want)
	case l.Source == source:
		return nil
	case l.Source != "":
		return fmt.Errorf("%s: %w: not %s: it looks like %s; use \"ubo ingest %s\"", label, ErrFormat, want, l.What, l.Source)
	case !slices.Contains(sourceSyntax[source], l.Syntax), source == "gleif":
		// GLEIF files are recognised by root element or header: anything
		// else would stop the parser at line 1 anyway.
		return fmt.Errorf("%s: %w: not %s: it looks like %s", label, ErrFormat, want, l.What)
	}
	return nil
}
