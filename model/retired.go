package model

import "strings"

// Snapshot refresh retires what a source stopped asserting without
// deleting it (see store.Snapshotter), in list tags both stores already
// keep, so that scoring as of an earlier date still sees it.

// InactiveTagPrefix starts the list tag ("ubo.inactive:2026-11-02") of an
// entity that the only source that knew it stopped asserting on that date.
const InactiveTagPrefix = "ubo.inactive:"

// RetiredTagPrefix starts the list tag ("ubo.retired:2026-11-02:sanction")
// that replaces a list tag a source stopped asserting on that date.
const RetiredTagPrefix = "ubo.retired:"

// InactiveSince returns the date of an InactiveTagPrefix tag (ok=false for
// any other tag).
func InactiveSince(tag string) (date string, ok bool) {
	return strings.CutPrefix(tag, InactiveTagPrefix)
}

// RetiredTag splits a RetiredTagPrefix tag into the date it was retired on
// and the tag it replaces (ok=false for any other tag).
func RetiredTag(tag string) (date, was string, ok bool) {
	rest, ok := strings.CutPrefix(tag, RetiredTagPrefix)
	if !ok {
		return "", "", false
	}
	date, was, ok = strings.Cut(rest, ":")
	return date, was, ok && was != ""
}
