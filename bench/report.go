package bench

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ubo-project/ubo/model"
)

// TableHeader is the Markdown header of the results table.
const TableHeader = `| entities | edges | build | score | CPU build / score | peak memory | graph bytes/edge | max RSS | baseline (path enumeration) | speed-up |
|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|`

// FormatRow renders one row of the Markdown table.
func FormatRow(r Row) string {
	baseline, ratio := "not run", "–"
	if b := r.Baseline; b != nil {
		if b.Finished {
			baseline = fmt.Sprintf("%s (%s paths from %s roots)", seconds(b.Elapsed), count(b.Paths), count(int64(b.Roots)))
		} else {
			baseline = fmt.Sprintf("%s (%s paths)", r.BaselineError, count(b.Paths))
		}
	}
	if x, lower, ok := r.Ratio(); ok {
		ratio = fmt.Sprintf("%.2g×", x)
		if x >= 100 {
			ratio = fmt.Sprintf("%.0f×", x)
		}
		if lower {
			ratio = "> " + ratio
		}
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s / %s | %s | %.0f | %s | %s | %s |",
		count(int64(r.Entities)), count(int64(r.Edges)), seconds(r.Build), seconds(r.Score),
		seconds(r.BuildCPU), seconds(r.ScoreCPU),
		mib(r.PeakBytes), r.BytesPerEdge(), mib(r.MaxRSS), baseline, ratio)
}

// WriteTable writes the header and every row.
func WriteTable(w io.Writer, rows []Row) error {
	var b strings.Builder
	b.WriteString(TableHeader + "\n")
	for _, r := range rows {
		b.WriteString(FormatRow(r) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCounts writes the verdict counts per size, a check that the
// workload is realistic (most entities clear, some of each verdict).
func WriteCounts(w io.Writer, rows []Row, verdicts []model.Verdict) error {
	var b strings.Builder
	b.WriteString("| entities |")
	for _, v := range verdicts {
		b.WriteString(" " + string(v) + " |")
	}
	b.WriteString("\n|---:|" + strings.Repeat("---:|", len(verdicts)) + "\n")
	for _, r := range rows {
		b.WriteString("| " + count(int64(r.Entities)) + " |")
		for _, v := range verdicts {
			b.WriteString(" " + count(int64(r.Counts[v])) + " |")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func seconds(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func mib(b uint64) string {
	if b >= 10<<30 {
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// count prints 1234567 as 1,234,567.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
