package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Shell completion through cobra's hidden __complete command, as the
// generated bash/zsh/fish scripts call it: the values offered and the
// directive (":4" no file completion, ":6" no file completion and no space
// after the value, for a directory).
func TestFlagCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"strict.yaml", "loose.yml", "notes.txt", ".hidden.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "more"), 0o755); err != nil {
		t.Fatal(err)
	}
	d := dir + string(filepath.Separator)
	tests := []struct {
		name      string
		args      []string
		want      []string
		directive string
	}{
		{"score --policy presets", []string{"score", "--policy", "d"}, []string{"default", "doj-covered-person"}, ":4"},
		{"score --policy files", []string{"score", "--policy", d}, []string{d + "loose.yml", d + "more/", d + "strict.yaml"}, ":6"},
		{"score --policy file prefix", []string{"score", "--policy", d + "s"}, []string{d + "strict.yaml"}, ":4"},
		{"screen --policy", []string{"screen", "--policy", "o"}, []string{"ofac-50"}, ":4"},
		{"serve --policy", []string{"serve", "--policy", "doj"}, []string{"doj-covered-person"}, ":4"},
		{"bench --policy", []string{"bench", "--policy", "ofac"}, []string{"ofac-50"}, ":4"},
		{"policy show", []string{"policy", "show", "de"}, []string{"default"}, ":4"},
		{"export --format", []string{"export", "--format", ""}, []string{"jsonl", "csv", "bods"}, ":4"},
		{"export --format prefix", []string{"export", "--format", "b"}, []string{"bods"}, ":4"},
		{"screen --format", []string{"screen", "--format", ""}, []string{"jsonl", "csv"}, ":4"},
		{"screen --input-format", []string{"screen", "--input-format", "c"}, []string{"csv"}, ":4"},
		{"export --verdict", []string{"export", "--verdict", ""},
			[]string{"CHINESE_ENTITY", "LISTED_ENTITY", "ROOT_ENTITY", "CONTROLLED", "OWNED_50", "JOINT_CONTROL", "SIGNIFICANT", "MINORITY", "CLEAR"}, ":4"},
		{"export --verdict list", []string{"export", "--verdict", "owned_50,c"},
			[]string{"owned_50,CHINESE_ENTITY", "owned_50,CONTROLLED", "owned_50,CLEAR"}, ":4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runUbo(t, append([]string{"__complete"}, tt.args...)...)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if code != 0 || len(lines) == 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			got, directive := lines[:len(lines)-1], lines[len(lines)-1]
			if !reflect.DeepEqual(got, tt.want) || directive != tt.directive {
				t.Errorf("offered %q, directive %s; want %q, %s", got, directive, tt.want, tt.directive)
			}
		})
	}
}
