// Package gen generates a realistic synthetic corporate registry: corporate
// groups with power-law sizes and depth up to ~10, cross-holdings, joint
// ventures, PSC-style share bands, unknown holders, persons, state bodies,
// ended relationships and a configurable share of Chinese-rooted groups.
//
// Generation is seeded and deterministic (same Config → same stream) and
// streams: memory is bounded by the largest group, never by the total.
package gen

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/ubo-project/ubo/model"
)

// Config says what to generate.
type Config struct {
	Entities     int     // exact number of entities to emit (> 0)
	Seed         uint64  // same seed, same output
	ChineseShare float64 // share of corporate groups rooted in China, 0..1
	MaxDepth     int     // deepest subsidiary level; 0 means 10
	MaxGroup     int     // largest group in companies; 0 means min(20000, Entities/20+1)
	// Interlock is the share of subsidiaries of Chinese groups held through
	// two sister companies at once (interlocked state-owned groups); 0
	// means DefaultInterlock, negative means none. High values make the
	// number of ownership paths grow exponentially with depth.
	Interlock float64
}

// DefaultInterlock is Config.Interlock when unset.
const DefaultInterlock = 0.12

// DefaultChineseShare is the share of Chinese-rooted groups when unset.
const DefaultChineseShare = 0.05

// Stats counts what a run emitted.
type Stats struct {
	Entities      int
	Relationships int
	Groups        int
	ByKind        map[model.EntityKind]int
	ByRelKind     map[model.RelKind]int
	Ended         int // relationships with an end date
}

// Source is the provenance source name of generated records.
const Source = "gen"

// errBudget stops generation once Config.Entities entities were emitted.
var errBudget = errors.New("entity budget reached")

// Stream emits the registry in dependency order: an entity is always
// emitted before any relationship that names it. A callback error stops
// generation and is returned.
func Stream(cfg Config, onEntity func(model.Entity) error, onRel func(model.Relationship) error) (Stats, error) {
	if cfg.Entities <= 0 {
		return Stats{}, fmt.Errorf("gen: entities must be positive, got %d", cfg.Entities)
	}
	if cfg.ChineseShare < 0 || cfg.ChineseShare > 1 || math.IsNaN(cfg.ChineseShare) {
		return Stats{}, fmt.Errorf("gen: chinese share must be within 0..1, got %g", cfg.ChineseShare)
	}
	switch {
	case cfg.Interlock == 0:
		cfg.Interlock = DefaultInterlock
	case cfg.Interlock > 1 || math.IsNaN(cfg.Interlock):
		return Stats{}, fmt.Errorf("gen: interlock must be at most 1, got %g", cfg.Interlock)
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = 10
	}
	if cfg.MaxGroup <= 0 {
		cfg.MaxGroup = min(20000, cfg.Entities/20+1)
	}
	g := &generator{
		cfg:       cfg,
		rng:       rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		onEntity:  onEntity,
		onRel:     onRel,
		allocated: map[string]float64{},
		stats: Stats{ByKind: map[model.EntityKind]int{},
			ByRelKind: map[model.RelKind]int{}},
	}
	err := g.run()
	if errors.Is(err, errBudget) {
		err = nil
	}
	return g.stats, err
}

const ringSize = 1 << 12

type generator struct {
	cfg      Config
	rng      *rand.Rand
	onEntity func(model.Entity) error
	onRel    func(model.Relationship) error
	stats    Stats

	nextID  int
	nextRel int

	stateCN    []string // Chinese state bodies
	stateOther []string // other countries' state bodies

	investorsCN    []string // Chinese state investment companies
	investorsWorld []string // global asset managers

	// Recent companies and persons of earlier groups: partners for joint
	// ventures, minority holders and serial shareholders (bounded memory).
	recentCo     [ringSize]string
	recentCoN    int
	recentPerson [ringSize]string
	recentPN     int

	// The current group, reused between groups, and the certain ownership
	// already allocated in each member (cross-holdings only take what is
	// left, so certain shares never sum above 100%).
	members   []member
	allocated map[string]float64
}

type member struct {
	id      string
	depth   int
	country string
}

func (g *generator) run() error {
	if err := g.stateBodies(); err != nil {
		return err
	}
	for {
		g.stats.Groups++
		if err := g.group(); err != nil {
			return err
		}
	}
}

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

// pick returns a random element of xs.
func pick[T any](g *generator, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// groupSize draws a Pareto (power-law) group size, α = 1.2: most groups
// are one or two companies, a few have thousands.
func (g *generator) groupSize() int {
	u := 1 - g.rng.Float64() // (0, 1]
	s := int(math.Pow(u, -1/1.2))
	return max(1, min(s, g.cfg.MaxGroup))
}

func (g *generator) newID(prefix byte) (string, error) {
	if g.stats.Entities >= g.cfg.Entities {
		return "", errBudget
	}
	g.nextID++
	return string(prefix) + strconv.Itoa(g.nextID), nil
}

func (g *generator) emit(e model.Entity) error {
	e.Source = Source
	e.SourceRef = e.ID
	g.stats.Entities++
	g.stats.ByKind[e.Kind]++
	return g.onEntity(e)
}

func (g *generator) stateBodies() error {
	bodies := []struct {
		name, country string
	}{
		{"State-owned Assets Supervision and Administration Commission of the State Council", "CN"},
		{"Guangdong Provincial State-owned Assets Supervision and Administration Commission", "CN"},
		{"Shanghai Municipal State-owned Assets Supervision and Administration Commission", "CN"},
		{"Ministry of Finance of the People's Republic of China", "CN"},
		{"Hong Kong Monetary Authority Exchange Fund", "HK"},
		{"HM Treasury", "GB"},
		{"Ministry of Finance of Singapore", "SG"},
		{"Agence des participations de l'État", "FR"},
		{"Norwegian Ministry of Trade, Industry and Fisheries", "NO"},
		{"Qatar Ministry of Finance", "QA"},
	}
	for _, b := range bodies {
		id, err := g.newID('S')
		if err != nil {
			return err
		}
		if err := g.emit(model.Entity{ID: id, Name: b.name, Kind: model.StateBody,
			Jurisdiction: b.country, StateOwned: true}); err != nil {
			return err
		}
		if b.country == "CN" || b.country == "HK" {
			g.stateCN = append(g.stateCN, id)
		} else {
			g.stateOther = append(g.stateOther, id)
		}
	}
	investors := []struct {
		name, country string
		cn            bool
	}{
		{"Zhongxin Huijin State Investment Co., Ltd.", "CN", true},
		{"Huaxia Securities Finance Corporation Co., Ltd.", "CN", true},
		{"Guotai National Social Security Fund Investment Co., Ltd.", "CN", true},
		{"Meridian Global Asset Management Inc.", "US", false},
		{"Northgate Index Investors Inc.", "US", false},
		{"Summit Street Advisors LLC Inc.", "US", false},
		{"Thistle Investment Managers Ltd", "GB", false},
		{"Linden Capital Partners Ltd", "GB", false},
		{"Alder Vermögensverwaltung GmbH", "DE", false},
		{"Kestrel Sovereign Holdings Pte. Ltd.", "SG", false},
		{"Pinnacle Pension Fund AG", "CH", false},
	}
	for _, inv := range investors {
		id, err := g.newID('C')
		if err != nil {
			return err
		}
		if err := g.emit(model.Entity{ID: id, Name: inv.name, Kind: model.Company,
			Jurisdiction: inv.country, HQCountry: inv.country, StateOwned: inv.cn}); err != nil {
			return err
		}
		if inv.cn {
			g.investorsCN = append(g.investorsCN, id)
		} else {
			g.investorsWorld = append(g.investorsWorld, id)
		}
	}
	return nil
}

// rel emits one relationship.
func (g *generator) rel(holder, held string, kind model.RelKind, share model.Share, start, end string) error {
	g.nextRel++
	ref := "R" + strconv.Itoa(g.nextRel)
	g.stats.Relationships++
	g.stats.ByRelKind[kind]++
	if end != "" {
		g.stats.Ended++
	} else if kind == model.Ownership && share.Known {
		g.allocated[held] += share.Min
	}
	return g.onRel(model.Relationship{
		ID:       model.RelationshipID(Source, ref, holder, held, kind),
		HolderID: holder, HeldID: held, Kind: kind, Share: share,
		StartDate: start, EndDate: end, Source: Source, SourceRef: ref,
	})
}

// PSC-style bands: (25, 50], (50, 75], (75, 100].
var (
	band25 = model.Range(25, 50, true, false)
	band50 = model.Range(50, 75, true, false)
	band75 = model.Range(75, 100, true, false)
)

// date returns a YYYY-MM-DD between 1995 and 2024.
func (g *generator) date() string {
	return g.dateBetween(1995, 2024)
}

func (g *generator) dateBetween(fromYear, toYear int) string {
	y := fromYear + g.rng.IntN(toYear-fromYear+1)
	m := 1 + g.rng.IntN(12)
	d := 1 + g.rng.IntN(28)
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return string(b)
}

// exactShare returns a share in [lo, hi] with two decimals.
func (g *generator) exactShare(lo, hi float64) float64 {
	v := lo + g.rng.Float64()*(hi-lo)
	return math.Round(v*100) / 100
}

func (g *generator) rememberCompany(id string) {
	g.recentCo[g.recentCoN%ringSize] = id
	g.recentCoN++
}

func (g *generator) recentCompany() (string, bool) {
	n := min(g.recentCoN, ringSize)
	if n == 0 {
		return "", false
	}
	return g.recentCo[(g.recentCoN-1-g.rng.IntN(n))%ringSize], true
}
