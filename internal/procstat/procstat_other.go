//go:build !unix

package procstat

import "time"

// CPUTime and MaxRSS are not measured here: 0.
func CPUTime() time.Duration { return 0 }
func MaxRSS() uint64         { return 0 }
