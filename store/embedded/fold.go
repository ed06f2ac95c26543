package embedded

import "github.com/ubo-project/ubo/store"

// FoldName is store.FoldName, kept for callers outside the stores (cmd/ubo
// ranks search hits with it).
func FoldName(name string) string { return store.FoldName(name) }
