package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"
)

// dateFlag is a YYYY-MM-DD flag, parsed when the flags are: commands get a
// time.Time (UTC midnight; the zero time when the flag is not given) and
// never parse the string themselves.
type dateFlag struct {
	date    *time.Time
	name    string
	example string // shown in the error for a value that is not a date
}

// dateVar defines --name as a dateFlag into date.
func dateVar(fs *pflag.FlagSet, date *time.Time, name, example, usage string) {
	fs.Var(dateFlag{date: date, name: name, example: example}, name, usage)
}

// flagDate is the date a dateFlag named name in fs holds (zero when unset).
func flagDate(fs *pflag.FlagSet, name string) time.Time {
	if f := fs.Lookup(name); f != nil {
		if d, ok := f.Value.(dateFlag); ok {
			return *d.date
		}
	}
	return time.Time{}
}

func (d dateFlag) String() string {
	if d.date == nil || d.date.IsZero() {
		return ""
	}
	return d.date.Format(time.DateOnly)
}

func (d dateFlag) Set(v string) error {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return &dateFlagError{flag: d.name, value: v, example: d.example}
	}
	*d.date = t
	return nil
}

func (d dateFlag) Type() string { return "date" }

// dateFlagError is a value that is not a date; the root command reports
// it as it stands, a usage error.
type dateFlagError struct{ flag, value, example string }

func (e *dateFlagError) Error() string {
	return fmt.Sprintf("--%s %q: want a date like %s", e.flag, e.value, e.example)
}

// flagError is the usage error for a flag that did not parse: a date's
// own message, else pflag's.
func flagError(err error) error {
	if de := (*dateFlagError)(nil); errors.As(err, &de) {
		return usageError{de}
	}
	return usageError{err}
}
