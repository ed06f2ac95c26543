// Package procstat reads what the process has used so far: CPU time and
// the resident-set high-water mark, the figures a benchmark reports beside
// wall time on a shared machine.
package procstat
