package gleif

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/ubo-project/ubo/ingest"
	"github.com/ubo-project/ubo/ingest/norm"
	"github.com/ubo-project/ubo/model"
)

// checkSink fails on any record that breaks the parser's contract.
type checkSink struct {
	entities map[string]bool
	problems []string
}

func (s *checkSink) Entity(e model.Entity) error {
	if e.ID == "" || !e.Kind.Valid() {
		s.problems = append(s.problems, fmt.Sprintf("entity %+v", e))
	}
	if lei, ok := strings.CutPrefix(e.ID, "lei:"); ok && !norm.ValidLEI(lei) {
		s.problems = append(s.problems, "invalid LEI written: "+e.ID)
	}
	s.entities[e.ID] = true
	return nil
}

func (s *checkSink) Relationship(r model.Relationship) error {
	if !s.entities[r.HolderID] || !s.entities[r.HeldID] || !r.Kind.Valid() || r.ID == "" {
		s.problems = append(s.problems, fmt.Sprintf("relationship %+v", r))
	}
	if math.IsNaN(r.Share.Min) || math.IsNaN(r.Share.Max) {
		s.problems = append(s.problems, "NaN share")
	}
	if err := r.Share.Validate(); err != nil {
		s.problems = append(s.problems, err.Error())
	}
	for _, d := range []string{r.StartDate, r.EndDate} {
		if d != "" && len(d) != 10 {
			s.problems = append(s.problems, "date "+d)
		}
	}
	return nil
}

func (s *checkSink) Reject(r ingest.Reject) error {
	if r.File == "" || r.Line < 1 || r.Reason == "" {
		s.problems = append(s.problems, fmt.Sprintf("reject %+v", r))
	}
	return nil
}

func fuzzParse(t *testing.T, data []byte) {
	s := &checkSink{entities: map[string]bool{}}
	err := ParseReader(context.Background(), "fuzz", bytes.NewReader(data), s, Options{Log: quietLog})
	if err != nil && !strings.Contains(err.Error(), "fuzz") {
		t.Errorf("error does not name the file: %v", err)
	}
	if len(s.problems) > 0 {
		t.Fatalf("contract broken: %q", s.problems)
	}
}

// addSeeds adds the head of each fixture (its first few records): small
// seeds keep the fuzzer's minimisation fast.
func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile("../../testdata/gleif/" + name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 3000 {
			b = b[:3000]
		}
		f.Add(b)
	}
}

func FuzzGLEIFXML(f *testing.F) {
	addSeeds(f, "lei-data.xml", "rr-data.xml", "repex-data.xml")
	f.Add([]byte(`<ReportingExceptionData><Exception><LEI>5493000NONPUB0000113</LEI><ExceptionCategory>DIRECT_ACCOUNTING_CONSOLIDATION_PARENT</ExceptionCategory><ExceptionReason>NO_LEI</ExceptionReason></Exception></ReportingExceptionData>`))
	f.Add([]byte(`<RelationshipData><RelationshipRecord><Relationship><StartNode><NodeID>213800UKSUBSID000120</NodeID></StartNode><EndNode><NodeID>529900CNPARENT000194</NodeID></EndNode><RelationshipType>IS_FEEDER_TO</RelationshipType><RelationshipStatus>INACTIVE</RelationshipStatus><RelationshipQuantifiers><RelationshipQuantifier><QuantifierAmount>NaN</QuantifierAmount><QuantifierUnits>PERCENTAGE</QuantifierUnits></RelationshipQuantifier></RelationshipQuantifiers></Relationship></RelationshipRecord></RelationshipData>`))
	f.Fuzz(fuzzParse)
}

func FuzzGLEIFCSV(f *testing.F) {
	addSeeds(f, "lei-data.csv", "rr-data.csv", "repex-data.csv")
	f.Add([]byte("\"Relationship.StartNode.NodeID\",\"Relationship.EndNode.NodeID\",\"Relationship.RelationshipType\",\"Relationship.Period.1.startDate\",\"Relationship.Quantifiers.1.QuantifierAmount\",\"Relationship.Quantifiers.1.QuantifierUnits\"\n\"213800UKSUBSID000120\",\"529900CNPARENT000194\",\"IS_SUBFUND_OF\",\"2020-01-01\",\"-0\",\"PERCENTAGE\"\n"))
	f.Fuzz(fuzzParse)
}
