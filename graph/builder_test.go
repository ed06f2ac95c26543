package graph

import (
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
