#!/usr/bin/env bash
# Checks the deployment files in deploy/ without a Docker engine or a Kubernetes cluster
# (scripts/test.sh runs it after the cargo tests; it needs target/release/demarche):
#
#   1. promtool: `check config` on the compose stack's prometheus.yml (with its rule
#      file) and `check rules` on deploy/prometheus/alerts.yaml.
#   2. The binary's own defaults: `demarche run` with no configuration, in a private
#      network namespace (so it can bind its default address without colliding with
#      anything), prints the metrics address it listens on; config.toml gives the rest
#      (a unit test keeps it equal to the defaults).
#   3. The Kubernetes ConfigMap: render-config.sh builds the worker's config.toml with
#      SASL credentials (a test password full of quotes and backslashes); the binary must
#      start on the result (configuration, dictionaries, Kafka clients) and stop cleanly.
#   4. Static cross-checks of the Dockerfile, compose.yaml, k8s/*.yaml, the Grafana and
#      Prometheus files (scripts/check_deploy.py static).
#   5. Live: `demarche run --embedded` with the ConfigMap's config.toml, scraped every
#      second by a real Prometheus that also loads alerts.yaml; every PromQL expression
#      of the dashboard and of the rules must return data, and every metric name must
#      be in /metrics (scripts/check_deploy.py live).
#
# Set-up on a fresh Debian machine: installs Debian's `prometheus` package (promtool and
# the server; its service is never started: the server runs here with its own temporary
# storage and port) and PyYAML when they are missing. Takes about 40 s once installed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/target/release/demarche"
T0=$SECONDS

say() { echo "check-deploy: $*" >&2; }
die() {
  echo "check-deploy: error: $*" >&2
  exit 1
}

# ---------------------------------------------------------------- set-up
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "need root (or password-less sudo) to run: $*"
  fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* by hand"
  if [[ -z "$APT_UPDATED" ]]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  apt_install prometheus
fi

# A python3 with PyYAML (and tomllib: Python 3.11+).
PY=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml, tomllib' 2>/dev/null; then
    PY="$candidate"
    break
  fi
done
if [[ -z "$PY" ]]; then
  apt_install python3 python3-yaml
  /usr/bin/python3 -c 'import yaml, tomllib' 2>/dev/null && PY=/usr/bin/python3
fi
if [[ -z "$PY" ]] && command -v python3 >/dev/null; then
  python3 -m pip install --quiet pyyaml >&2 && PY=python3
fi
[[ -n "$PY" ]] || die "no python3 (3.11+) with PyYAML"

if [[ ! -x "$BIN" ]]; then
  say "building $BIN"
  cargo build --release --bin demarche >&2
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/check-deploy.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs the binary with a clean environment (no DEMARCHE_* of the caller) and the given
# arguments, in a new network namespace when possible (only a down loopback: nothing to
# collide with, no broker reachable). Output in $TMP/$1.log.
run_isolated() {
  local log="$TMP/$1.log"
  shift
  local netns=()
  if unshare --net true 2>/dev/null; then netns=(unshare --net); fi
  (cd "$TMP" && env -i PATH="$PATH" HOME="$TMP" "${netns[@]}" "$BIN" "$@") >"$log" 2>&1
}

# ---------------------------------------------------------------- 1. promtool
say "promtool $(promtool --version 2>&1 | head -n1 | awk '{print $3}')"
promtool check config deploy/prometheus/prometheus.yml >&2 || die "promtool check config deploy/prometheus/prometheus.yml failed"
promtool check rules deploy/prometheus/alerts.yaml >&2 || die "promtool check rules deploy/prometheus/alerts.yaml failed"

# ---------------------------------------------------------------- 2. the binary's defaults
unshare --net true 2>/dev/null || say "no network namespace here: the default address comes from config.toml (equal to the defaults by the unit test example_file_is_the_defaults)"
LISTEN=""
if unshare --net true 2>/dev/null; then
  run_isolated defaults run --run-for 1 || { cat "$TMP/defaults.log" >&2; die "demarche run with the default configuration failed"; }
  LISTEN="$(sed -n 's#.*metrics, health and readiness on http://\([^/]*\)/metrics.*#\1#p' "$TMP/defaults.log" | head -n1)"
  [[ -n "$LISTEN" ]] || { cat "$TMP/defaults.log" >&2; die "demarche did not print its metrics address"; }
  say "the binary's default metrics address: $LISTEN"
fi
# The DEMARCHE_* variables the binary reads: config.toml's (each documented there) and
# the flags' (shown by --help).
for sub in run extract; do "$BIN" "$sub" --help; done >"$TMP/help.txt" 2>&1
"$PY" - "$ROOT/config.toml" "$LISTEN" "$TMP/help.txt" >"$TMP/defaults.json" <<'EOF'
import json, re, sys, tomllib
path, listen, help_file = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path, encoding="utf-8").read()
flags_help = open(help_file, encoding="utf-8").read()
cfg = tomllib.loads(text)
if listen and listen != cfg["metrics"]["listen"]:
    sys.exit(f"config.toml says [metrics] listen = {cfg['metrics']['listen']}, the binary listens on {listen}")
k = cfg["kafka"]
json.dump({
    "metrics_listen": listen or cfg["metrics"]["listen"],
    "drain_timeout_secs": cfg["shutdown"]["drain_timeout_secs"],
    "topics": k["input_topics"] + [k["output_topic"], k["dead_letter_topic"]],
    "env_vars": sorted(set(re.findall(r"\bDEMARCHE_[A-Z_]+\b", text))
                       | set(re.findall(r"env: (DEMARCHE_[A-Z_]+)", flags_help))),
}, sys.stdout)
EOF

# ---------------------------------------------------------------- 3. the ConfigMap's config
"$PY" - deploy/k8s/configmap.yaml "$TMP" <<'EOF'
import sys, yaml
cm = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap"][0]
for key in ("config.toml", "render-config.sh"):
    open(f"{sys.argv[2]}/{key}", "w").write(cm["data"][key])
EOF
TEST_PASSWORD='p"a\ss'"'"'w$rd\"x'
IN="$TMP/config.toml" OUT="$TMP/rendered.toml" KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_MECHANISM=SCRAM-SHA-512 \
  KAFKA_SASL_USERNAME='demarche "test"' KAFKA_SASL_PASSWORD="$TEST_PASSWORD" sh "$TMP/render-config.sh" >&2 \
  || die "render-config.sh failed"
[[ "$(stat -c %a "$TMP/rendered.toml")" == 600 ]] || die "render-config.sh output is not mode 600"
"$PY" - "$TMP/rendered.toml" "$TEST_PASSWORD" <<'EOF' || die "render-config.sh did not preserve the credentials"
import sys, tomllib
cfg = tomllib.load(open(sys.argv[1], "rb"))
for table in ("consumer", "producer"):
    t = cfg["kafka"][table]
    assert t["sasl.password"] == sys.argv[2], t
    assert t["sasl.username"] == 'demarche "test"', t
    assert t["security.protocol"] == "SASL_SSL" and t["sasl.mechanisms"] == "SCRAM-SHA-512", t
EOF
say "render-config.sh: credentials with quotes and backslashes survive into valid TOML"
# a control character in a credential is refused
if IN="$TMP/config.toml" OUT="$TMP/bad.toml" KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_MECHANISM=SCRAM-SHA-512 \
  KAFKA_SASL_USERNAME=u KAFKA_SASL_PASSWORD=$'pass\n' sh "$TMP/render-config.sh" 2>/dev/null >&2; then
  die "render-config.sh accepted a password with a newline"
fi
run_isolated rendered run --config "$TMP/rendered.toml" --run-for 2 \
  || { cat "$TMP/rendered.log" >&2; die "demarche refused the rendered ConfigMap configuration (see above)"; }
grep -q "metrics, health and readiness on http://$(sed -n 's/^listen = "\(.*\)"/\1/p' "$TMP/config.toml")/metrics" "$TMP/rendered.log" \
  || { cat "$TMP/rendered.log" >&2; die "demarche did not listen where the ConfigMap says"; }
say "demarche starts and stops cleanly on the rendered ConfigMap configuration"

# ---------------------------------------------------------------- 4. static checks
"$PY" scripts/check_deploy.py static --root "$ROOT" --defaults "$TMP/defaults.json"

# ---------------------------------------------------------------- 5. live
MPORT="$(free_port)"
PPORT="$(free_port)"
while [[ "$PPORT" == "$MPORT" ]]; do PPORT="$(free_port)"; done
METRICS="http://127.0.0.1:$MPORT/metrics"
PROM="http://127.0.0.1:$PPORT"

# The ConfigMap's config.toml (its brokers are replaced by the embedded cluster's).
(cd "$TMP" && env -i PATH="$PATH" HOME="$TMP" "$BIN" run --embedded --config "$TMP/config.toml" \
  --metrics-listen "127.0.0.1:$MPORT") >"$TMP/embedded.out" 2>"$TMP/embedded.log" &
PIDS+=($!)

cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/deploy/prometheus/alerts.yaml
scrape_configs:
  - job_name: demarche
    static_configs:
      - targets: ["127.0.0.1:$MPORT"]
EOF
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PPORT" --log.level=warn >"$TMP/prometheus.log" 2>&1 &
PIDS+=($!)

# Wait until the worker has coded the samples (events produced, the broken one
# dead-lettered) and librdkafka's statistics have reported the lag.
say "waiting for the embedded worker to code the samples ..."
deadline=$((SECONDS + 90))
while :; do
  if m="$("$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' "$METRICS" 2>/dev/null)" \
    && grep -q '^demarche_events_produced_total{' <<<"$m" \
    && grep -q '^demarche_articles_dead_lettered_total{reason="decode"} [1-9]' <<<"$m" \
    && grep -q '^demarche_consumer_lag_messages{' <<<"$m" \
    && grep -q '^demarche_committed_offset{' <<<"$m"; then
    break
  fi
  if ! kill -0 "${PIDS[0]}" 2>/dev/null; then
    cat "$TMP/embedded.log" >&2
    die "demarche run --embedded exited"
  fi
  if ((SECONDS >= deadline)); then
    tail -n 30 "$TMP/embedded.log" >&2
    echo "$m" | grep '^demarche_' >&2 || true
    die "the embedded worker did not produce every expected series within 90 s"
  fi
  sleep 1
done
say "worker ready after $((SECONDS - T0)) s; letting Prometheus scrape it ..."

# Enough samples for the 15 s rate windows used in place of $__rate_interval: wait for
# 20 scrapes of the worker.
deadline=$((SECONDS + 60))
while :; do
  n="$("$PY" - "$PROM" <<'EOF' 2>/dev/null || echo 0
import json, sys, urllib.parse, urllib.request
q = urllib.parse.urlencode({"query": 'count_over_time(demarche_articles_consumed_total{job="demarche"}[1m])'})
r = json.load(urllib.request.urlopen(f"{sys.argv[1]}/api/v1/query?{q}", timeout=2))
res = r["data"]["result"]
print(int(float(res[0]["value"][1])) if res else 0)
EOF
)"
  ((n >= 20)) && break
  if ((SECONDS >= deadline)); then
    tail -n 20 "$TMP/prometheus.log" >&2
    die "Prometheus did not scrape the worker 20 times within 60 s (got $n)"
  fi
  sleep 1
done

"$PY" scripts/check_deploy.py live --root "$ROOT" --prometheus "$PROM" --metrics "$METRICS" \
  --job demarche --topic articles --rate-interval 15s
say "all deploy checks passed in $((SECONDS - T0)) s"
