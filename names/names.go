// Package names turns entity and customer names into the forms that search
// and matching compare: folded text, legal forms reduced to one token
// class, Han script read as pinyin, and the tokens a store indexes to find
// candidates. Both stores and the matcher use these functions, so an
// entity indexed by one is found by the same query on the other.
package names

import (
	"sort"
	"strings"

	"github.com/ubo-project/ubo/store"
)

// Fold is the plain search form of a name: Unicode NFKC, lower case,
// accents stripped, every run of punctuation, symbols and spaces one space.
func Fold(name string) string { return store.FoldName(name) }

// SearchForms are the folded forms under which a name is found by `ubo
// search`: the folded name and, for a name with Han script, its pinyin
// reading. The first is always Fold(name) (empty names give none).
func SearchForms(name string) []string {
	f := Fold(name)
	if f == "" {
		return nil
	}
	return []string{f}
}

// IndexTokens are the tokens a store indexes for an entity with the given
// names (its name and aliases), sorted and unique: the words of every
// search form with legal forms reduced.
func IndexTokens(all []string) []string {
	var out []string
	for _, n := range all {
		for _, f := range SearchForms(n) {
			out = append(out, strings.Fields(f)...)
		}
	}
	sort.Strings(out)
	return compact(out)
}

// QueryTokens are the tokens to look a customer name up by in the index,
// most selective first.
func QueryTokens(name string) []string {
	return compact(strings.Fields(Fold(name)))
}

func compact(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	j := 0
	for i, v := range s {
		if i == 0 || v != s[j-1] {
			s[j] = v
			j++
		}
	}
	return s[:j]
}
