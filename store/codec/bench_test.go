package codec_test

import (
	"testing"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/codec"
	"github.com/ubo-project/ubo/store/storetest"
)

// Decoding is the client's share of streaming a graph out of a store (the
// embedded one and Neo4j's packed copies): per row, go test -bench Decode
// -benchmem ./store/codec/.

func BenchmarkDecodeEntity(b *testing.B) {
	e := model.Entity{ID: "gb-coh:01234567", Name: "Example Holdings 1234567 Limited", Kind: model.Company,
		Jurisdiction: "GB", Identifiers: []string{"GB-COH:01234567", "XI-LEI:549300000001234567"},
		Source: "psc", SourceRef: "line 1234567", Provenance: []string{"psc:line 1234567"}}
	data := codec.EncodeEntity(&e)
	for _, f := range []struct {
		name   string
		fields store.Projection
	}{{"all", store.ProjectAll}, {"scoring", store.ProjectScoring}, {"summary", store.ProjectSummary}} {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			var got model.Entity
			for b.Loop() {
				if err := codec.DecodeEntityFields(data, &got, f.fields); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeRelationship(b *testing.B) {
	r := model.Relationship{ID: "psc|1234567|gb-coh:01234567|gb-coh:01234568|ownership",
		HolderID: "gb-coh:01234567", HeldID: "gb-coh:01234568", Kind: model.Ownership,
		Share: model.Range(25, 50, true, false), StartDate: "2016-04-06", Source: "psc", SourceRef: "line 1234567"}
	data := codec.EncodeRelationship(&r)
	b.ReportAllocs()
	var got model.Relationship
	for b.Loop() {
		if err := codec.DecodeRelationship(data, &got); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeResult(b *testing.B) {
	r := storetest.FullResult()
	data := codec.EncodeResult(nil, &r)
	for name, decode := range map[string]func(string, model.Verdict, bool, []byte, *model.Result) error{
		"full": codec.DecodeResult, "summary": codec.DecodeResultSummary} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var got model.Result
			for b.Loop() {
				if err := decode(r.EntityID, r.Verdict, r.Flagged, data, &got); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
