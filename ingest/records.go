package ingest

import (
	"context"
	"fmt"

	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/store"
)

// RelationshipsOfRecords writes everything queued and asks the store for
// the relationships source's records refs asserted
// (store.RecordRelationships), so a delta that deletes an edge record by
// its id alone can end them.
func (w *Writer) RelationshipsOfRecords(ctx context.Context, source string, refs []string) ([]model.Relationship, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return nil, w.err
	}
	if err := w.flush(ctx); err != nil {
		return nil, err
	}
	rr, ok := w.st.(store.RecordRelationships)
	if !ok {
		return nil, fmt.Errorf("the %s store cannot find a record's relationships", w.st.Backend())
	}
	return rr.RelationshipsOfRecords(ctx, source, refs)
}
