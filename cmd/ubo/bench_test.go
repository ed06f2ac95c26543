package main

import (
	"strings"
	"testing"
)

func TestBenchNeo4jFlags(t *testing.T) {
	small := []string{"bench", "--sizes", "1000", "--baseline-max", "0", "--counts=false", "--quiet"}
	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string // substrings of stdout
		wantErr  string   // substring of stderr
	}{
		{name: "not a Neo4j URI", args: []string{"--neo4j", "http://127.0.0.1:7474"}, wantCode: exitUsage, wantErr: "--neo4j"},
		{name: "bad size", args: []string{"--neo4j", "bolt://127.0.0.1:1", "--neo4j-sizes", "10000,0"}, wantCode: exitUsage, wantErr: "--neo4j-sizes"},
		{name: "bad timeout", args: []string{"--neo4j", "bolt://127.0.0.1:1", "--neo4j-timeout", "0s"}, wantCode: exitUsage, wantErr: "--neo4j-timeout"},
		{
			// The engine table is printed first; the unreachable server is exit 3.
			name: "server not there", args: []string{"--neo4j", "bolt://127.0.0.1:1", "--neo4j-sizes", "1000"},
			wantCode: exitUnreachable, wantOut: []string{"| 1,000 |", "Cypher baseline in Neo4j at bolt://127.0.0.1:1", "| Neo4j load |"},
		},
		{name: "no --neo4j: no Cypher table", args: nil, wantCode: exitOK, wantOut: []string{"| 1,000 |"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runUbo(t, append(append([]string{}, small...), tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, out, errOut)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if tc.wantErr != "" && !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errOut)
			}
			if tc.args == nil && strings.Contains(out, "Cypher baseline") {
				t.Errorf("Cypher table printed without --neo4j:\n%s", out)
			}
		})
	}
}
