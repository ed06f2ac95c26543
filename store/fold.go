package store

import "github.com/ubo-project/ubo/names"

// FoldName is the search form of a name, stored as name_folded by every
// store: Unicode NFKC, lower case, accents stripped, every run of
// punctuation, symbols and spaces one space (see names.Fold). Both stores
// fold with this one function so they find the same names.
func FoldName(name string) string { return names.Fold(name) }
