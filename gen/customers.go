package gen

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// CustomersFile is the customer list WriteCustomers creates.
const CustomersFile = "customers.csv"

// CustomerHeader is the header of the customer list, in the columns `ubo
// screen` reads.
var CustomerHeader = []string{"customer_id", "name", "country", "lei", "registration_number", "registration_country", "uscc"}

// CustomerStats counts a customer list.
type CustomerStats struct {
	Customers int
	Present   int // drawn from a company of the registry
	Absent    int // named like no company of the registry
}

// absentShare is the share of customers that are not in the registry.
const absentShare = 0.25

// WriteCustomers writes n customers for the registry cfg generates (it
// streams the registry again; nothing is held in memory): three in four are
// companies of the registry, spelt as KYC exports spell them (exact, in
// other case, without the legal form, with a typo, by an alias, without a
// country, or a trading name with the company's identifier), the others
// have names no company has. Same cfg and n, same file.
func WriteCustomers(cfg Config, n int, path string) (CustomerStats, error) {
	var st CustomerStats
	if n <= 0 {
		return st, fmt.Errorf("gen: customers: want a positive number, got %d", n)
	}
	f, err := os.Create(path)
	if err != nil {
		return st, fmt.Errorf("gen: %w", err)
	}
	defer f.Close()
	b := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(b)
	if err := w.Write(CustomerHeader); err != nil {
		return st, fmt.Errorf("gen: %s: %w", path, err)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xc057))
	present := n - int(float64(n)*absentShare)
	// Companies are about three in five entities; draw every stride-th.
	stride := max(1, cfg.Entities*3/5/max(1, present))
	companies := 0
	write := func(name, country, lei, reg, regCountry, uscc string) error {
		st.Customers++
		return w.Write([]string{fmt.Sprintf("K%07d", st.Customers), name, country, lei, reg, regCountry, uscc})
	}
	// One absent customer after every third present one keeps the mix even
	// through the file.
	absent := func() error {
		st.Absent++
		return write(coin(rng.IntN(1<<15))+" "+absentWords[rng.IntN(len(absentWords))]+" "+pick2(rng, sectors)+" Ltd",
			pick2(rng, []string{"GB", "US", "DE", "FR", "SG", ""}), "", "", "", "")
	}
	_, err = Stream(cfg, func(e model.Entity) error {
		if e.Kind != model.Company || st.Present >= present {
			return nil
		}
		companies++
		if companies%stride != 0 {
			return nil
		}
		st.Present++
		if err := writeVariant(rng, e, write); err != nil {
			return err
		}
		if st.Present%3 == 0 && st.Absent < n-present {
			return absent()
		}
		return nil
	}, func(model.Relationship) error { return nil })
	if err != nil {
		return st, err
	}
	for st.Absent < n-present {
		if err := absent(); err != nil {
			return st, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return st, fmt.Errorf("gen: %s: %w", path, err)
	}
	if err := b.Flush(); err != nil {
		return st, fmt.Errorf("gen: %s: %w", path, err)
	}
	return st, f.Close()
}

// absentWords appear in no generated company name.
var absentWords = []string{"Bellweather", "Cranford", "Drummond", "Eastleigh", "Gorsebrook", "Holloway", "Jarrow",
	"Kendal", "Ludlow", "Melrose", "Otterburn", "Pickering", "Rothbury", "Selsey", "Tintagel", "Wetherby"}

func pick2[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// writeVariant writes company e as one customer, spelt one of the ways
// customers spell their names.
func writeVariant(rng *rand.Rand, e model.Entity, write func(name, country, lei, reg, regCountry, uscc string) error) error {
	name, country := e.Name, e.Jurisdiction
	var lei, reg, regCountry, uscc string
	switch r := rng.IntN(20); {
	case r < 6: // as registered
	case r < 9:
		name = strings.ToUpper(strings.NewReplacer(".", "", ",", "").Replace(name))
	case r < 12: // without the legal form
		if i := strings.LastIndexByte(name, ' '); i > 0 && !strings.HasSuffix(name, "有限公司") {
			name = strings.TrimSuffix(strings.TrimSpace(name[:i]), " Co.,")
		}
	case r < 14: // one letter dropped from the longest word
		name = dropLetter(rng, name)
	case r < 16:
		if len(e.Aliases) > 0 {
			name = e.Aliases[0]
		}
	case r < 18:
		country = ""
	default: // a trading name with the company's identifier
		for _, id := range e.Identifiers {
			scheme, v, _ := strings.Cut(id, ":")
			switch scheme {
			case "XI-LEI":
				lei = v
			case "GB-COH":
				reg, regCountry = v, "GB"
			case "CN-USCC":
				uscc = v
			}
		}
		if lei != "" || reg != "" || uscc != "" {
			name = strings.Fields(e.Name)[0] + " Group"
		}
	}
	return write(name, country, lei, reg, regCountry, uscc)
}

func dropLetter(rng *rand.Rand, name string) string {
	words := strings.Fields(name)
	best := 0
	for i, w := range words {
		if len([]rune(w)) > len([]rune(words[best])) {
			best = i
		}
	}
	w := []rune(words[best])
	if len(w) < 6 {
		return name
	}
	i := 1 + rng.IntN(len(w)-2)
	words[best] = string(append(w[:i:i], w[i+1:]...))
	return strings.Join(words, " ")
}
