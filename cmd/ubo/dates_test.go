package main

import (
	"errors"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/ubo-project/ubo/policy"
)

// TestDateFlag: a date flag holds a time.Time from flag parsing on; a
// value that is not YYYY-MM-DD is a usage error naming the flag.
func TestDateFlag(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    time.Time
		wantErr string
	}{
		{nil, time.Time{}, ""},
		{[]string{"--as-of", "2025-12-31"}, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), ""},
		{[]string{"--as-of=2024-02-29"}, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), ""},
		{[]string{"--as-of", "2025-02-29"}, time.Time{}, `--as-of "2025-02-29": want a date like 2025-12-31`},
		{[]string{"--as-of", "yesterday"}, time.Time{}, `--as-of "yesterday": want a date like 2025-12-31`},
	} {
		var got time.Time
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		dateVar(fs, &got, "as-of", "2025-12-31", "")
		err := fs.Parse(tc.args)
		if tc.wantErr != "" {
			var ue usageError
			if err = flagError(err); !errors.As(err, &ue) || err.Error() != tc.wantErr {
				t.Errorf("%v: error %v, want the usage error %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || !flagDate(fs, "as-of").Equal(tc.want) {
			t.Errorf("%v: %v (flagDate %v), %v; want %v", tc.args, got, flagDate(fs, "as-of"), err, tc.want)
		}
	}
}

// TestResolveAsOf: --as-of, else the policy's as_of, else today (UTC).
func TestResolveAsOf(t *testing.T) {
	flag := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	withDate := policy.Default()
	withDate.AsOf = "2024-06-30"
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, tc := range []struct {
		name string
		flag time.Time
		pol  *policy.Policy
		want time.Time
	}{
		{"flag over policy", flag, withDate, flag},
		{"policy", time.Time{}, withDate, time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)},
		{"today", time.Time{}, policy.Default(), today},
	} {
		if got := resolveAsOf(tc.flag, tc.pol); !got.Equal(tc.want) && !(tc.name == "today" && got.After(today)) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
