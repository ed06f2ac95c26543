package policy

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ubo-project/ubo/model"
)

//go:embed presets/*.yaml
var presetFS embed.FS

// Presets returns the names of the built-in policies, sorted.
func Presets() []string {
	entries, err := fs.ReadDir(presetFS, "presets")
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// PresetSource returns the YAML text of a built-in policy exactly as shipped.
func PresetSource(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	b, err := presetFS.ReadFile("presets/" + name + ".yaml")
	if err != nil {
		return nil, false
	}
	return b, true
}

// Preset loads the built-in policy name.
func Preset(name string) (*Policy, error) {
	src, ok := PresetSource(name)
	if !ok {
		return nil, fmt.Errorf("policy: no built-in preset %q (presets: %s)", name, strings.Join(Presets(), ", "))
	}
	// Presets are complete: they start from an empty policy, not a base.
	p, err := decode(src, &Policy{})
	if err == nil {
		var doc yaml.Node
		if err = yaml.Unmarshal(src, &doc); err == nil {
			err = p.validateAt(lineIndex(topMapping(&doc)))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("policy preset %s: %w", name, err)
	}
	return p, nil
}

// Load resolves nameOrFile as a built-in preset name first, then as the
// path of a YAML policy file. An empty name is the default policy.
func Load(nameOrFile string) (*Policy, error) {
	if nameOrFile == "" {
		nameOrFile = "default"
	}
	if _, ok := PresetSource(nameOrFile); ok {
		return Preset(nameOrFile)
	}
	data, err := os.ReadFile(nameOrFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("policy %q: not a built-in preset (%s) and no such file",
				nameOrFile, strings.Join(Presets(), ", "))
		}
		return nil, fmt.Errorf("policy: %w", err)
	}
	p, err := Parse(data, nameOrFile)
	if err != nil {
		return nil, fmt.Errorf("policy %s: %w", nameOrFile, err)
	}
	return p, nil
}

// Parse reads a policy file's YAML. Keys the file leaves out keep the values
// of its base preset (key "base", default "default"); unknown keys are
// errors. file only names the policy when the YAML has no "name".
func Parse(data []byte, file string) (*Policy, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, cleanYAMLError(err)
	}
	top := topMapping(&doc)
	if top == nil {
		return nil, errors.New("empty policy: expected a YAML mapping of keys such as name, countries, roots, thresholds")
	}
	baseName := "default"
	if n := mappingValue(top, "base"); n != nil {
		if n.Kind != yaml.ScalarNode || n.Value == "" {
			return nil, &FieldError{Key: "base", Line: n.Line, Msg: "must name a built-in preset"}
		}
		baseName = n.Value
	}
	base, err := Preset(baseName)
	if err != nil {
		n := mappingValue(top, "base")
		return nil, &FieldError{Key: "base", Line: n.Line,
			Msg: fmt.Sprintf("%q is not a built-in preset (%s)", baseName, strings.Join(Presets(), ", "))}
	}
	// What the base says about itself does not describe the derived policy.
	base.Name, base.Description = "", ""
	p, err := decode(data, base)
	if err != nil {
		return nil, err
	}
	if p.Name == "" && file != "" {
		p.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	p.Base = baseName
	if err := p.validateAt(lineIndex(top)); err != nil {
		return nil, err
	}
	return p, nil
}

// decode strictly decodes data onto a copy of start and normalises it; the
// caller validates.
func decode(data []byte, start *Policy) (*Policy, error) {
	p := start.Clone()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty policy")
		}
		return nil, cleanYAMLError(err)
	}
	p.normalize()
	return p, nil
}

// Clone returns a deep copy of p.
func (p *Policy) Clone() *Policy {
	c := *p
	c.Countries = cloneSlice(p.Countries)
	c.Roots.ListTags = cloneSlice(p.Roots.ListTags)
	c.ControlKinds = cloneSlice(p.ControlKinds)
	c.InfluenceKinds = cloneSlice(p.InfluenceKinds)
	c.Flagged = cloneSlice(p.Flagged)
	c.ExcludeJurisdictions = cloneSlice(p.ExcludeJurisdictions)
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// normalize trims values and upper-cases country codes and verdicts, so "cn"
// and " CN" mean CN; it never reorders (show prints what the user wrote).
func (p *Policy) normalize() {
	for i, c := range p.Countries {
		p.Countries[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	for i, c := range p.ExcludeJurisdictions {
		p.ExcludeJurisdictions[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	for i, v := range p.Flagged {
		p.Flagged[i] = model.Verdict(strings.ToUpper(strings.TrimSpace(string(v))))
	}
	p.RootVerdict = model.Verdict(strings.ToUpper(strings.TrimSpace(string(p.RootVerdict))))
	for i, t := range p.Roots.ListTags {
		p.Roots.ListTags[i] = strings.TrimSpace(t)
	}
	p.AsOf = strings.TrimSpace(p.AsOf)
	// An empty list and an absent one mean the same; keep one form.
	p.Countries = nilIfEmpty(p.Countries)
	p.Roots.ListTags = nilIfEmpty(p.Roots.ListTags)
	p.ControlKinds = nilIfEmpty(p.ControlKinds)
	p.InfluenceKinds = nilIfEmpty(p.InfluenceKinds)
	p.Flagged = nilIfEmpty(p.Flagged)
	p.ExcludeJurisdictions = nilIfEmpty(p.ExcludeJurisdictions)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// YAML renders the effective policy as YAML with a two-space indent.
func (p *Policy) YAML() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("policy %s: encode: %w", p.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("policy %s: encode: %w", p.Name, err)
	}
	return buf.Bytes(), nil
}

var unknownFieldRE = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)

// cleanYAMLError rewrites yaml.v3's type errors into "line N: unknown key
// "x"" messages users can act on.
func cleanYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("invalid YAML: %w", err)
	}
	msgs := make([]string, 0, len(te.Errors))
	for _, m := range te.Errors {
		if sm := unknownFieldRE.FindStringSubmatch(m); sm != nil {
			m = fmt.Sprintf("line %s: unknown key %q", sm[1], sm[2])
		}
		msgs = append(msgs, m)
	}
	return errors.New(strings.Join(msgs, "; "))
}

func topMapping(doc *yaml.Node) *yaml.Node {
	if doc == nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	if n := doc.Content[0]; n.Kind == yaml.MappingNode {
		return n
	}
	return nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// lineIndex maps dotted key paths ("thresholds.control.value",
// "countries[1]") to the line they are written on.
func lineIndex(top *yaml.Node) map[string]int {
	idx := map[string]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if path != "" {
					k = path + "." + k
				}
				idx[k] = n.Content[i].Line
				walk(n.Content[i+1], k)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				k := fmt.Sprintf("%s[%d]", path, i)
				idx[k] = c.Line
				walk(c, k)
			}
		}
	}
	if top != nil {
		walk(top, "")
	}
	return idx
}
