#!/usr/bin/env bash
# Speed of the coder alone (no JSON in the timed loop), in sentences a second on one
# thread: the throughput probe (crates/coder/examples/throughput.rs) on the 78
# PETRARCH-2 validation (GSR) articles repeated to 20,000, best of 10 passes per run,
# RUNS runs in a row, with the PETRARCH-2 Phoenix dictionaries and with ours.
# Prints every run, then the median, lowest and highest per dictionary set. Wall time
# on a shared VM swings widely between runs: compare medians of many runs, and
# interleave old and new code (OTHER_PROBE=path/to/another/throughput binary).
# usage: scripts/bench-coder.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
shared=../shared
P=$shared/anchors/petrarch2
gsr=$shared/eval/gsr_articles.jsonl
corpus=${BENCH_CORPUS:-/tmp/demarche-bench-gsr20k.jsonl}
[ -f "$gsr" ] || { echo "bench-coder: $gsr not found (the shared files sit beside the checkout)" >&2; exit 2; }
if [ ! -s "$corpus" ]; then
  python3 - "$gsr" "$corpus" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    n = 0
    while n < 20000:
        for r in rows:
            if n == 20000:
                break
            a = dict(r, id=f"{r['id']}-{n // len(rows)}")
            out.write(json.dumps(a) + "\n")
            n += 1
PY
fi
cargo build --release --quiet --example throughput -p demarche-coder
probe=target/release/examples/throughput
phx=(--no-defaults)
for f in CAMEO.2.0.txt Phoenix.Countries.actors.txt Phoenix.International.actors.txt \
  Phoenix.MilNonState.actors.txt Phoenix.agents.txt Phoenix.discards.txt; do
  phx+=(--petrarch "$P/$f")
done
summary() { # name, rates...
  local name=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v n="$name" '{a[NR]=$1}
    END {m = (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2);
         printf "%s: median %d sentences/s (lowest %d, highest %d, %d runs)\n", n, m, a[1], a[NR], NR}'
}
rate() { sed -n 's/.* \([0-9]*\) sentences\/s.*/\1/p'; }
phoenix=() ours=() other=()
for i in $(seq "$runs"); do
  p=$("$probe" "${phx[@]}" --runs 10 "$corpus" | rate)
  o=$("$probe" --runs 10 "$corpus" | rate)
  line="run $i: Phoenix $p, ours $o"
  if [ -n "${OTHER_PROBE:-}" ]; then
    x=$("$OTHER_PROBE" "${phx[@]}" --runs 10 "$corpus" | rate)
    line="$line, other probe (Phoenix) $x"
    other+=("$x")
  fi
  echo "$line sentences/s"
  phoenix+=("$p")
  ours+=("$o")
done
summary "Phoenix dictionaries" "${phoenix[@]}"
summary "our dictionaries" "${ours[@]}"
[ ${#other[@]} -eq 0 ] || summary "other probe, Phoenix dictionaries" "${other[@]}"
