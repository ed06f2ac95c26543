package scoring

import "github.com/ubo-project/ubo/store/embedded"

// The embedded store has the optional fast paths Run looks for (its
// contract tests run with them; TestContractEmbeddedResultsOnly without).
var (
	_ storedOrderStreamer = (*embedded.Store)(nil)
	_ flaggedStreamer     = (*embedded.Store)(nil)
)
