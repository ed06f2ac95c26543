//go:build !faults || !unix

package faultpoint

// Hit does nothing outside a faults build (and off unix, which has no SIGSTOP).
func Hit(string) {}

// Size returns def outside a faults build.
func Size(_ string, def int) int { return def }
