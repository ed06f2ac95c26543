package bods

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The official BODS 0.4 JSON schema (see schema-0.4/LICENSE.md). Every 0.4
// statement is checked against it before it is read, so that what the
// standard calls invalid — a three-letter country code, a date that is no
// date, a missing isComponent or declarationSubject, an identifier uri that
// is no URI — is rejected naming its field rather than read half-right.
//
//go:embed schema-0.4/*.json
var schemaFiles embed.FS

// statementSchema04 compiles the schema of one statement once. The record
// schemas are referenced by $id (urn:entity, urn:components, …), so every
// file is added under its own $id; formats (date, date-time, uri, email)
// are asserted, as the standard requires.
var statementSchema04 = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files, err := fs.Glob(schemaFiles, "schema-0.4/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := schemaFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			return nil, fmt.Errorf("%s: no $id", f)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return c.Compile("urn:statement#/$defs/Statement")
})

var schemaPrinter = message.NewPrinter(language.English)

// validate04 checks one 0.4 statement against the schema; a violation is a
// reject naming the first offending field.
func validate04(raw []byte) error {
	sch, err := statementSchema04()
	if err != nil {
		return fmt.Errorf("BODS 0.4 schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return reject("", "%v", err)
	}
	err = sch.Validate(inst)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	leaf := deepestCause(ve)
	field := fieldPath(leaf.InstanceLocation)
	reason := leaf.ErrorKind.LocalizedString(schemaPrinter)
	// A format error ends in Go's own parse error ("parsing time …"): the
	// value and the format say it all.
	if i := strings.Index(reason, ": parsing time"); i > 0 {
		reason = reason[:i]
	}
	if req, ok := leaf.ErrorKind.(*kind.Required); ok && len(req.Missing) > 0 {
		field = joinField(field, req.Missing[0])
		reason = "missing (required by the BODS 0.4 schema)"
	} else {
		reason += " (BODS 0.4 schema)"
	}
	return reject(field, "%s", reason)
}

// deepestCause is the first of the causes that lie deepest in the
// instance: the most specific thing wrong (a failed "then" of the record
// type, not the statement as a whole).
func deepestCause(e *jsonschema.ValidationError) *jsonschema.ValidationError {
	best := e
	var walk func(*jsonschema.ValidationError)
	walk = func(v *jsonschema.ValidationError) {
		if len(v.Causes) == 0 {
			if len(v.InstanceLocation) > len(best.InstanceLocation) || len(best.Causes) > 0 {
				best = v
			}
			return
		}
		for _, c := range v.Causes {
			walk(c)
		}
	}
	walk(e)
	return best
}

// fieldPath renders a JSON pointer's tokens the way rejects name fields:
// recordDetails.interests[0].share.
func fieldPath(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func joinField(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// Supported versions, as publicationDetails.bodsVersion declares them.
var supportedVersions = []string{"0.2", "0.3", "0.4"}

// checkVersion refuses a statement that declares a version ubo does not
// read (0.1, 1.0, a made-up 0.999), or one whose declared version
// contradicts its shape (0.4 declared on a statementType statement, say):
// reading either as some other version would give wrong edges silently.
// An undeclared version is read by its shape.
func checkVersion(declared string, shape04 bool) error {
	if declared == "" {
		return nil
	}
	if !slices.Contains(supportedVersions, declared) {
		return reject("publicationDetails.bodsVersion", "BODS %s is not supported: ubo reads 0.2, 0.3 and 0.4", strconv.Quote(declared))
	}
	if shape04 != (declared == "0.4") {
		shape := "0.2/0.3 (statementType)"
		if shape04 {
			shape = "0.4 (recordId, recordType, recordDetails)"
		}
		return reject("publicationDetails.bodsVersion", "declares %s but the statement has the %s shape", declared, shape)
	}
	return nil
}

// declaredVersion reads publicationDetails.bodsVersion: a string, or a
// number written bare (0.1) taken as its text; "" when absent or null.
func declaredVersion(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return string(raw)
}
