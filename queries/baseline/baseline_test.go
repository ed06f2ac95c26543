package baseline

import (
	"strings"
	"testing"
)

func TestQueriesEmbeddedAndParameterised(t *testing.T) {
	cases := []struct {
		name   string
		cypher string
		want   []string
	}{
		{"owns", Owns, []string{"MATCH", "$roots", "$as_of", "[:OWNERSHIP*]", "RETURN count(t) AS reached, sum(paths) AS paths"}},
		{"count", Count, []string{"MATCH", "STARTS WITH $prefix", "AS entities"}},
		// The cleanup must never touch data outside the bench's prefix.
		{"cleanup", Cleanup, []string{"MATCH (e:Entity) WHERE e.id STARTS WITH $prefix", "DETACH DELETE", "IN TRANSACTIONS"}},
	}
	for _, tc := range cases {
		for _, w := range tc.want {
			if !strings.Contains(tc.cypher, w) {
				t.Errorf("%s.cypher lacks %q:\n%s", tc.name, w, tc.cypher)
			}
		}
	}
}
