package neo4jtest

import (
	"os"
	"strconv"
	"strings"
)

// CPUSeconds is the user+system CPU time of a process from /proc (pid
// "self" for this one; 0 when unreadable, e.g. off Linux or pid ""), so
// benchmarks can report work per server CPU second: steadier than wall
// time on a shared machine. Benchmarks name the server with NEO4J_PID.
func CPUSeconds(pid string) float64 {
	if pid == "" {
		return 0
	}
	raw, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100 // USER_HZ
}
