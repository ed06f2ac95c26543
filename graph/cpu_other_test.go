//go:build !unix

package graph

import "time"

// cpuTime and maxRSS are unknown here: the benchmark reports 0.
func cpuTime() time.Duration { return 0 }
func maxRSS() uint64         { return 0 }
