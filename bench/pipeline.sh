#!/usr/bin/env bash
# Pipeline benchmark: what a user runs, stage by stage, on the embedded store:
# gen -> ingest csv -> score (first run) -> score (rerun) -> export jsonl ->
# export bods -> screen, and the scipy.sparse peer (bench/peers) on the same
# files. Prints per stage the wall time, CPU time (user+sys), peak RSS and
# rate, then the growth factor of each stage between consecutive sizes.
#
#   bench/pipeline.sh [SIZES] [WORKDIR]     # default 100000,1000000 and /tmp/ubo-pipeline
#   UBO=./ubo PYTHON=/tmp/venv/bin/python bench/pipeline.sh 100000,1000000,10000000 /tmp/scale
#
# UBO is the ubo binary (default: built from this checkout into WORKDIR);
# PYTHON, when set, runs bench/peers/integrated_share.py (needs
# bench/peers/requirements.txt). EXPORT_ARGS (default --all) selects what the
# exports write. Each size's files are deleted after it unless KEEP=1.
set -euo pipefail
sizes=${1:-100000,1000000}
work=${2:-/tmp/ubo-pipeline}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
if [[ -z "${UBO:-}" ]]; then
	UBO="$work/ubo"
	(cd "$here" && go build -o "$UBO" ./cmd/ubo)
fi
export_args=${EXPORT_ARGS:---all}
results="$work/results.tsv"
: >"$results"

# stage NAME N COUNT CMD...: runs CMD under /usr/bin/time, appends
# size, stage, wall s, cpu s, peak RSS MiB, items/s of CPU to results.
stage() {
	local name=$1 n=$2 count=$3
	shift 3
	local tf="$work/time.$name"
	local rc=0
	/usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" >"$work/out.$name" 2>"$work/err.$name" || rc=$?
	# exit 4: finished with rejects; anything else is a failure
	if [[ $rc -ne 0 && $rc -ne 4 ]]; then
		echo "stage $name at $n failed (exit $rc):" >&2
		tail -5 "$work/err.$name" >&2
		exit 1
	fi
	read -r wall user sys rss <"$tf"
	awk -v n="$n" -v s="$name" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" -v c="$count" 'BEGIN {
		cpu = u + y; rate = (cpu > 0) ? c / cpu : 0
		printf "%s\t%s\t%.2f\t%.2f\t%.0f\t%.0f\n", n, s, w, cpu, r / 1024, rate }' >>"$results"
}

IFS=, read -ra ns <<<"$sizes"
for n in "${ns[@]}"; do
	d="$work/$n"
	rm -rf "$d"
	mkdir -p "$d"
	db="$d/ubo.db"
	customers=$((n / 10))
	stage gen "$n" "$n" "$UBO" -q gen --entities "$n" --customers "$customers" --out "$d/gen"
	stage ingest "$n" "$n" "$UBO" -q --db "$db" ingest csv --entities "$d/gen/entities.csv" --relationships "$d/gen/relationships.csv"
	stage score1 "$n" "$n" "$UBO" -q --db "$db" score
	stage score2 "$n" "$n" "$UBO" -q --db "$db" score
	stage export-jsonl "$n" "$n" "$UBO" -q --db "$db" export --format jsonl $export_args --out "$d/export.jsonl"
	stage export-bods "$n" "$n" "$UBO" -q --db "$db" export --format bods $export_args --out "$d/export.json"
	stage screen "$n" "$customers" "$UBO" -q --db "$db" screen "$d/gen/customers.csv" --out "$d/screen.csv"
	if [[ -n "${PYTHON:-}" ]]; then
		stage scipy-peer "$n" "$n" "$PYTHON" "$here/bench/peers/integrated_share.py" "$d/gen/entities.csv" "$d/gen/relationships.csv"
	fi
	[[ "${KEEP:-}" == 1 ]] || rm -rf "$d"
done

echo "| entities | stage | wall s | CPU s | peak RSS MiB | items/s of CPU |"
echo "|---:|---|---:|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$results"
echo
echo "| stage | from → to | CPU growth | peak RSS growth |"
echo "|---|---|---:|---:|"
awk -F'\t' '{ key = $2; if (key in cpu) printf "| %s | %s → %s | %.1f× | %.1f× |\n", key, size[key], $1, $4 / (cpu[key] > 0 ? cpu[key] : 1), $5 / (rss[key] > 0 ? rss[key] : 1)
	size[key] = $1; cpu[key] = $4; rss[key] = $5 }' "$results"
