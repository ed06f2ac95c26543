package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/ubo-project/ubo/model"
)

// CSVHeader is the flattened JSON Lines record; evidence becomes text.
var CSVHeader = []string{"id", "name", "aliases", "kind", "verdict", "indeterminate",
	"chinese_share_min", "chinese_share_max", "aggregate_rule_certain", "aggregate_rule_possible",
	"controllers", "joint_controllers", "evidence", "run_id", "policy"}

type csvEncoder struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func newCSVEncoder(w io.Writer) *csvEncoder {
	bw := bufio.NewWriterSize(w, 1<<16)
	return &csvEncoder{bw: bw, cw: csv.NewWriter(bw)}
}

func (e *csvEncoder) begin() error { return e.cw.Write(CSVHeader) }

func (e *csvEncoder) write(r *Record) error {
	ev := make([]string, 0, len(r.Evidence))
	for _, x := range r.Evidence {
		mark := ""
		if x.Truncated {
			mark = "; truncated"
		}
		ev = append(ev, x.Explanation+" ["+strings.Join(x.Path, " → ")+"; "+model.FormatPercent(x.Share)+"%"+mark+"]")
	}
	return e.cw.Write([]string{
		r.ID, r.Name, strings.Join(r.Aliases, ";"), r.Kind, string(r.Verdict), strconv.FormatBool(r.Indeterminate),
		model.FormatPercent(r.ChineseShare.Min), model.FormatPercent(r.ChineseShare.Max),
		strconv.FormatBool(r.AggregateRule.Certain), strconv.FormatBool(r.AggregateRule.Possible),
		strings.Join(r.Controllers, ";"), strings.Join(r.JointControllers, ";"),
		strings.Join(ev, " | "), r.RunID, r.Policy,
	})
}

func (e *csvEncoder) end() error {
	e.cw.Flush()
	if err := e.cw.Error(); err != nil {
		return err
	}
	return e.bw.Flush()
}
