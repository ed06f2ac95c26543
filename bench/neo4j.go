package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/ubo-project/ubo/gen"
	"github.com/ubo-project/ubo/model"
	"github.com/ubo-project/ubo/policy"
	"github.com/ubo-project/ubo/queries"
	"github.com/ubo-project/ubo/queries/baseline"
)

// Neo4jConfig says where and how to run the Cypher baseline.
type Neo4jConfig struct {
	Store     queries.Config
	Timeout   time.Duration // for the path query, per size (the server stops it)
	BatchSize int           // records per upsert batch; 0: 5000
	// IDPrefix is put before every generated id so that the bench's data
	// never merges with other data in the same database, and is removed
	// again afterwards; "" means "ubo-bench:".
	IDPrefix string
}

// Neo4jResult is one size of the Cypher baseline.
type Neo4jResult struct {
	Entities, Edges int
	Roots           int
	Load            time.Duration // upserting the registry (not compared)
	Elapsed         time.Duration // the path query only
	Paths           int64         // paths the query enumerated (0 when it did not finish)
	Reached         int64
	Finished        bool
}

// RunNeo4j loads the generated registry gcfg into Neo4j through the
// queries package, runs baseline.Owns (queries/baseline/owns.cypher) from every root under p with
// cfg.Timeout, and deletes what it loaded. A query the server stops at
// the timeout is reported with Finished false, not as an error.
func RunNeo4j(ctx context.Context, cfg Neo4jConfig, gcfg gen.Config, p *policy.Policy) (res Neo4jResult, err error) {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 5000
	}
	if cfg.IDPrefix == "" {
		cfg.IDPrefix = "ubo-bench:"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	st, err := queries.Open(ctx, cfg.Store)
	if err != nil {
		return res, fmt.Errorf("neo4j baseline: %w", err)
	}
	defer st.Close(context.WithoutCancel(ctx))
	if err := st.Init(ctx); err != nil {
		return res, fmt.Errorf("neo4j baseline: %w", err)
	}
	db := cfg.Store.Database
	if db == "" {
		db = queries.DefaultDatabase
	}
	defer func() {
		if cerr := cleanupNeo4j(context.WithoutCancel(ctx), st.Driver(), db, cfg.IDPrefix); cerr != nil && err == nil {
			err = cerr
		}
	}()

	concern := p.ConcernCountries()
	var roots []string
	var ents []model.Entity
	var rels []model.Relationship // all held until every entity is in
	t0 := time.Now()
	_, err = gen.Stream(gcfg, func(e model.Entity) error {
		if IsRoot(e, p, concern) {
			roots = append(roots, cfg.IDPrefix+e.ID)
		}
		e.ID = cfg.IDPrefix + e.ID
		e.Identifiers = nil // shared identifier nodes would link to other data
		ents = append(ents, e)
		res.Entities++
		if len(ents) < cfg.BatchSize {
			return nil
		}
		err := st.UpsertEntities(ctx, ents)
		ents = ents[:0]
		return err
	}, func(r model.Relationship) error {
		r.ID, r.HolderID, r.HeldID = cfg.IDPrefix+r.ID, cfg.IDPrefix+r.HolderID, cfg.IDPrefix+r.HeldID
		rels = append(rels, r)
		res.Edges++
		return nil
	})
	if err == nil {
		err = st.UpsertEntities(ctx, ents)
	}
	for from := 0; err == nil && from < len(rels); from += cfg.BatchSize {
		err = st.UpsertRelationships(ctx, rels[from:min(from+cfg.BatchSize, len(rels))])
	}
	if err != nil {
		return res, fmt.Errorf("neo4j baseline: load: %w", err)
	}
	res.Load, res.Roots = time.Since(t0), len(roots)

	// The database may be shared: check that the registry is all there.
	counted, err := neo4j.ExecuteQuery(ctx, st.Driver(), baseline.Count, map[string]any{"prefix": cfg.IDPrefix},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
	if err != nil {
		return res, fmt.Errorf("neo4j baseline: count: %w", err)
	}
	if got, _ := counted.Records[0].AsMap()["entities"].(int64); got != int64(res.Entities) {
		return res, fmt.Errorf("neo4j baseline: %d of %d entities stored after loading: did another client reset the database?", got, res.Entities)
	}

	sess := st.Driver().NewSession(ctx, neo4j.SessionConfig{DatabaseName: db, AccessMode: neo4j.AccessModeRead})
	defer sess.Close(context.WithoutCancel(ctx))
	qctx, cancel := context.WithTimeout(ctx, cfg.Timeout+30*time.Second)
	defer cancel()
	t0 = time.Now()
	rec, err := sess.ExecuteRead(qctx, func(tx neo4j.ManagedTransaction) (any, error) {
		r, err := tx.Run(qctx, baseline.Owns, map[string]any{
			"roots": roots, "as_of": time.Now().UTC().Format(time.DateOnly)})
		if err != nil {
			return nil, err
		}
		return r.Single(qctx)
	}, neo4j.WithTxTimeout(cfg.Timeout))
	res.Elapsed = time.Since(t0)
	if err != nil {
		if timedOut(err) || qctx.Err() != nil {
			return res, nil
		}
		return res, fmt.Errorf("neo4j baseline: path query: %w", err)
	}
	r := rec.(*neo4j.Record)
	res.Reached, _ = r.AsMap()["reached"].(int64)
	res.Paths, _ = r.AsMap()["paths"].(int64)
	res.Finished = true
	return res, nil
}

// timedOut reports the server stopping a transaction at its timeout.
func timedOut(err error) bool {
	var n4e *neo4j.Neo4jError
	if errors.As(err, &n4e) {
		switch n4e.Code {
		case "Neo.ClientError.Transaction.TransactionTimedOut",
			"Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
			"Neo.TransientError.Transaction.TransactionTimedOut",
			"Neo.TransientError.Transaction.TransactionTimedOutClientConfiguration":
			return true
		}
	}
	return errors.Is(err, context.DeadlineExceeded)
}

func cleanupNeo4j(ctx context.Context, d neo4j.DriverWithContext, db, prefix string) error {
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	r, err := sess.Run(ctx, baseline.Cleanup, map[string]any{"prefix": prefix})
	if err == nil {
		_, err = r.Consume(ctx)
	}
	if err != nil {
		return fmt.Errorf("neo4j baseline: cleanup %q: %w", prefix, err)
	}
	return nil
}

// CompareNeo4j measures, for each of sizes, the engine and the Cypher
// baseline on the same generated registry (cfg's seed, Chinese share and
// interlock; cfg.Policy, or the default policy, chooses the roots) and
// calls onRow with each pair as soon as it is measured. An engine row of
// the same size in engine is reused rather than measured again.
func CompareNeo4j(ctx context.Context, cfg Config, ncfg Neo4jConfig, sizes []int, engine []Row, onRow func(Row, Neo4jResult)) error {
	p := cfg.Policy
	if p == nil {
		p = policy.Default()
	}
	for _, n := range sizes {
		row, ok := Row{}, false
		for _, r := range engine {
			if r.Entities == n {
				row, ok = r, true
				break
			}
		}
		if !ok {
			c := cfg
			c.Sizes, c.BaselineMax = []int{n}, 0
			rows, err := Run(ctx, c, nil)
			if err != nil {
				return err
			}
			row = rows[0]
		}
		cfg.logf("neo4j baseline %d: loading the registry, then the path query (timeout %s)", n, ncfg.Timeout)
		gcfg := gen.Config{Entities: n, Seed: cfg.Seed, ChineseShare: cfg.ChineseShare, Interlock: cfg.Interlock}
		res, err := RunNeo4j(ctx, ncfg, gcfg, p)
		if err != nil {
			return fmt.Errorf("%d entities: %w", n, err)
		}
		if res.Edges != row.Edges {
			return fmt.Errorf("neo4j baseline: %d entities: loaded %d relationships, the engine built %d from the same seed", n, res.Edges, row.Edges)
		}
		cfg.logf("neo4j baseline %d: load %s, query %s (finished %v)", n, seconds(res.Load), seconds(res.Elapsed), res.Finished)
		if onRow != nil {
			onRow(row, res)
		}
	}
	return nil
}

// Neo4jTableHeader is the Markdown header of the Cypher baseline table.
const Neo4jTableHeader = `| entities | edges | engine build + score | Neo4j load | Cypher path query | speed-up (query ÷ engine score) |
|---:|---:|---:|---:|---|---:|`

// FormatNeo4jRow renders one size of the Cypher baseline next to the engine row.
func FormatNeo4jRow(r Row, n Neo4jResult) string {
	query := fmt.Sprintf("%s (%s paths from %s roots)", seconds(n.Elapsed), count(n.Paths), count(int64(n.Roots)))
	ratio := "–"
	if r.Score > 0 {
		x := float64(n.Elapsed) / float64(r.Score)
		ratio = fmt.Sprintf("%.2g×", x)
		if x >= 100 {
			ratio = fmt.Sprintf("%.0f×", x)
		}
		if !n.Finished {
			ratio = "> " + ratio
		}
	}
	if !n.Finished {
		query = fmt.Sprintf("did not finish in %s", seconds(n.Elapsed))
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", count(int64(n.Entities)), count(int64(n.Edges)),
		seconds(r.Build+r.Score), seconds(n.Load), query, ratio)
}
