// Command gensyllables writes names/syllables.txt: every toneless pinyin
// syllable (go-pinyin's Normal style, ü written v) that go-pinyin's
// dictionary gives any character, one per line. The matcher splits Latin
// words into these syllables to compare them with Han-script names.
package main

import (
	"flag"
	"log"
	"os"
	"sort"
	"strings"

	"github.com/mozillazg/go-pinyin"
)

func main() {
	out := flag.String("out", "../../syllables.txt", "output file")
	flag.Parse()
	args := pinyin.NewArgs()
	args.Heteronym = true
	seen := map[string]bool{}
	for r := range pinyin.PinyinDict {
		for _, s := range pinyin.SinglePinyin(rune(r), args) {
			if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz") == "" {
				seen[s] = true
			}
		}
	}
	list := make([]string, 0, len(seen))
	for s := range seen {
		list = append(list, s)
	}
	sort.Strings(list)
	text := "# Toneless pinyin syllables, derived from github.com/mozillazg/go-pinyin's dictionary by names/internal/gensyllables. Do not edit.\n" +
		strings.Join(list, "\n") + "\n"
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
}
