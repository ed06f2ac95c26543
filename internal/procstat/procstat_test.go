//go:build unix

package procstat

import "testing"

func TestCountersGrow(t *testing.T) {
	c0 := CPUTime()
	x := 0
	for i := range 50_000_000 {
		x += i % 7
	}
	if CPUTime() <= c0 || x == 0 {
		t.Errorf("CPU time did not grow over a busy loop: %v then %v", c0, CPUTime())
	}
	if MaxRSS() == 0 {
		t.Error("MaxRSS is 0")
	}
}
