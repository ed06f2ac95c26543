package graph

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fast date path must agree with time.Parse on every date and reject
// what it rejects.
func TestFastDayMatchesTimeParse(t *testing.T) {
	for day := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() < 2600; day = day.AddDate(0, 0, 1) {
		s := day.Format(time.DateOnly)
		got, ok := fastDay(s)
		if !ok || got != dayOf(day) {
			t.Fatalf("%s: %d %v want %d", s, got, ok, dayOf(day))
		}
	}
	for _, s := range []string{"2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10", "2024-1-01", "2024-01-00", "20240101", "2024/01/01", " 2024-01-01", "+024-01-01"} {
		if _, ok := fastDay(s); ok {
			t.Errorf("%q accepted", s)
		}
		if _, err := time.Parse(time.DateOnly, s); err == nil {
			t.Errorf("time.Parse accepts %q", s)
		}
	}
}

// sortIDs must order ids exactly as string comparison does, whatever
// their prefixes, lengths and bytes.
func TestSortIDsMatchesStringOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	cases := [][]string{
		{"a", "a\x00", "a\x00\x00", "", "\x00", "ab", "a\x00b", "aaaa", "aaaa\x00", "aaa"},
		{"gleif:5493001KJTIIGC8Y1R12", "gleif:5493001KJTIIGC8Y1R11", "gleif:549300", "gleif:5493001KJTIIGC8Y1R1", "psc:1"},
	}
	var random []string
	for range 5000 {
		b := make([]byte, r.IntN(14))
		for i := range b {
			b[i] = "\x00\x01abAB:9\xff"[r.IntN(9)]
		}
		random = append(random, "pre:"+string(b))
	}
	cases = append(cases, random)
	for _, ids := range cases {
		tab := newStrtab()
		idx := make([]uint32, len(ids))
		for i, id := range ids {
			idx[i] = tab.add(id)
		}
		sortIDs(idx, &tab)
		got := make([]string, len(idx))
		for i, x := range idx {
			got[i] = tab.get(x)
		}
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("sortIDs gave %q, want %q", got, want)
		}
	}
}

// A string table keeps its entries past every 2^wrapBits bytes of data
// (4 GiB in production, 16 bytes here).
func TestStrtabWraps(t *testing.T) {
	defer func(b int) { wrapBits = b }(wrapBits)
	wrapBits = 4
	tab := newStrtab()
	var want []string
	for i := range 40 {
		v := strings.Repeat(string(rune('a'+i%26)), i%7)
		if i == 20 {
			v = strings.Repeat("z", 40) // crosses several boundaries at once
		}
		want = append(want, v)
		if got := tab.add(v); got != uint32(i) {
			t.Fatalf("add #%d returned %d", i, got)
		}
	}
	if len(tab.wraps) == 0 {
		t.Fatal("no wrap recorded")
	}
	for i, v := range want {
		if got := tab.get(uint32(i)); got != v {
			t.Errorf("entry %d = %q, want %q", i, got, v)
		}
	}
}

// visitSet answers membership the same way before and after it switches
// from scanning its queue to a map.
func TestVisitSet(t *testing.T) {
	var v visitSet
	for round := range 2 {
		for x := range uint32(100) {
			if got := v.add(x); got != (round == 0) {
				t.Fatalf("round %d: add(%d) = %v", round, x, got)
			}
		}
	}
	if len(v.queue) != 100 || v.queue[99] != 99 {
		t.Fatalf("queue holds %d entries, last %d", len(v.queue), v.queue[len(v.queue)-1])
	}
}
