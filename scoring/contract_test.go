package scoring_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ubo-project/ubo/scoring/scoringtest"
	"github.com/ubo-project/ubo/store"
	"github.com/ubo-project/ubo/store/embedded"
)

func openEmbedded(t *testing.T) store.Store {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "ubo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestContractEmbedded(t *testing.T) {
	scoringtest.Run(t, openEmbedded, scoringtest.Hooks{})
}
