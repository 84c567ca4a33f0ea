#!/usr/bin/env bash
# Checks that two demarche binaries code identically (for speed work: the output must
# not change by one byte). Runs `extract` (--threads 1 and the default thread count)
# with our dictionaries and with the PETRARCH-2 Phoenix dictionaries on the shared
# evaluation sets and 20,000 AG News items, `extract --explain` on the GSR and AG News
# dev sets, and `eval --petrarch-xml` on the PETRARCH unit-test records, and compares
# every output byte for byte (timing and log lines dropped).
# usage: scripts/check-identical.sh OLD_BINARY NEW_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
old=$1
new=$2
shared=../shared
P=$shared/anchors/petrarch2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ag=$work/ag20k.jsonl
python3 - "$shared/corpora/ag_news/test.csv" "$ag" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    n = 0
    while n < 20000:
        for i, r in enumerate(rows):
            if n == 20000:
                break
            out.write(json.dumps({"id": f"ag-{n}", "title": r[1], "text": r[2]}) + "\n")
            n += 1
PY

phx=(--no-default-dictionaries)
for f in CAMEO.2.0.txt Phoenix.Countries.actors.txt Phoenix.International.actors.txt \
  Phoenix.MilNonState.actors.txt Phoenix.agents.txt Phoenix.discards.txt; do
  phx+=(--add-dictionary "petrarch:$P/$f")
done

fail=0
report() { # name: old.out against new.out
  if cmp -s "$work/old.out" "$work/new.out" && [ -s "$work/old.out" ]; then
    echo "same  $1 ($(wc -l <"$work/old.out") lines)"
  else
    echo "DIFF  $1"
    diff "$work/old.out" "$work/new.out" | head -5 || true
    fail=1
  fi
}
compare() { # name, then the command line after the binary
  local name=$1
  shift
  "$old" "$@" >"$work/old.out" 2>/dev/null || true
  "$new" "$@" >"$work/new.out" 2>/dev/null || true
  report "$name"
}

# `extract --explain` (stderr): the analysis itself, which can differ where no event does
# (log lines and the timing summary dropped)
compare_explain() { # name, then the command line after the binary
  local name=$1
  shift
  "$old" "$@" 2>&1 >/dev/null | grep -v -e ' WARN ' -e ' INFO ' -e 'skipped lines in' >"$work/old.out" || true
  "$new" "$@" 2>&1 >/dev/null | grep -v -e ' WARN ' -e ' INFO ' -e 'skipped lines in' >"$work/new.out" || true
  report "$name"
}

for input in "$shared"/eval/gsr_articles.jsonl "$shared"/eval/agnews_dev_articles.jsonl \
  "$shared"/eval/seed_article.jsonl "$ag"; do
  base=$(basename "$input" .jsonl)
  for threads in 1 default; do
    t=()
    [ "$threads" = default ] || t=(--threads "$threads")
    compare "$base ours threads=$threads" extract ${t[@]+"${t[@]}"} --input "$input" --output -
    compare "$base phoenix threads=$threads" extract "${phx[@]}" ${t[@]+"${t[@]}"} --input "$input" --output -
  done
done
for input in "$shared"/eval/gsr_articles.jsonl "$shared"/eval/agnews_dev_articles.jsonl; do
  base=$(basename "$input" .jsonl)
  compare_explain "$base ours --explain" extract --explain --threads 1 --input "$input" --output /dev/null
  compare_explain "$base phoenix --explain" extract "${phx[@]}" --explain --threads 1 --input "$input" \
    --output /dev/null
done
compare "PETR unit-test records" eval --petrarch-xml "$P/PETR.UnitTest.records.xml" \
  --no-default-dictionaries \
  --add-dictionary "petrarch:$P/PETR.Validate.verbs.txt" \
  --add-dictionary "petrarch:$P/PETR.Validate.actors.txt" \
  --add-dictionary "petrarch:$P/PETR.Validate.agents.txt" \
  --add-dictionary "petrarch:$P/PETR.Validate.discards.txt"
for set in gsr agnews_dev; do
  compare "eval $set phoenix" eval "${phx[@]}" --input "$shared/eval/${set}_articles.jsonl" \
    --gold "$shared/eval/${set}_gold.jsonl"
done
[ $fail -eq 0 ] && echo "identical" || { echo "outputs differ" >&2; exit 1; }
