//go:build !faults || !linux

package faultpoint

// Hit does nothing outside a faults build (and off Linux).
func Hit(string) {}

// Size returns def outside a faults build.
func Size(_ string, def int) int { return def }
