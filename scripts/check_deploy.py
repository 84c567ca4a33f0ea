#!/usr/bin/env python3
"""Checks of the deployment files (deploy/), run by scripts/check-deploy.sh.

Standard library plus PyYAML. Two commands:

  check_deploy.py static --root DIR --defaults FILE
      Parses deploy/Dockerfile, deploy/compose.yaml, deploy/k8s/*.yaml,
      deploy/prometheus/*.y*ml and deploy/grafana/**, and checks them against each other
      and against the binary's defaults (FILE: JSON written by check-deploy.sh with the
      metrics listen address printed by the binary itself and the documented defaults of
      config.toml).

  check_deploy.py live --root DIR --prometheus URL --metrics URL --job JOB --rate-interval D
      Against a Prometheus that scrapes a running `demarche run --embedded`: evaluates
      every PromQL expression of the dashboard (all panels, rows included, and the
      template variables) and of the alert rules through the HTTP API and fails on an
      error or an empty result; checks that every metric name they use is in the live
      /metrics output, that the dashboard shows every demarche metric, that the rules
      evaluate with health "ok", and that the README's Monitor section names only real
      metrics and every alert.

How alert expressions are checked: an alert expression is a condition that is normally
empty (`lag > 1000`). Its full text is evaluated (it must not error), then it is split at
its top-level set operators (and, or, unless, with their on/ignoring modifiers), each
operand has its comparisons with a number removed (`sum(x) > 1000` -> `sum(x)`), an
`absent(X)` operand is replaced by X, and each resulting operand must return data: so
every part of every rule reads series that exist.

Exit status 0 when every check passes; each failure is printed as `FAIL: ...`.
"""

import argparse
import fnmatch
import glob
import json
import os
import re
import shlex
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request

import yaml

FAILURES = []
PASSES = [0]


def fail(msg):
    FAILURES.append(msg)
    print(f"FAIL: {msg}", flush=True)


def ok(msg):
    PASSES[0] += 1
    print(f"ok: {msg}", flush=True)


def check(cond, msg, detail=""):
    if cond:
        ok(msg)
    else:
        fail(f"{msg}{': ' + detail if detail else ''}")
    return cond


def load_yaml_docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def port_of(addr):
    """'0.0.0.0:9898' -> 9898."""
    return int(str(addr).rsplit(":", 1)[1])


# ====================================================================== Dockerfile


def parse_dockerfile(path):
    """Instructions as (KEYWORD, argument text, stage index); continuation lines joined."""
    lines, cur = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not cur and (line.strip().startswith("#") or not line.strip()):
                continue
            if cur and line.strip().startswith("#"):
                continue  # comment inside a continued instruction
            if line.endswith("\\"):
                cur += line[:-1] + " "
                continue
            cur += line
            lines.append(cur.strip())
            cur = ""
    out, stage = [], -1
    for line in lines:
        kw, _, rest = line.partition(" ")
        kw = kw.upper()
        if kw == "FROM":
            stage += 1
        out.append((kw, rest.strip(), stage))
    return out


def exec_form(arg):
    arg = arg.strip()
    if arg.startswith("["):
        return json.loads(arg)
    return None


def dockerignore_allows(rules, path):
    """Docker's rule: the last pattern that matches decides; `!` re-includes."""
    allowed = True
    for pat in rules:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        p = p.rstrip("/")
        if fnmatch.fnmatch(path, p) or path.startswith(p + "/") or p == "*":
            allowed = neg
    return allowed


def check_dockerfile(root, defaults):
    path = os.path.join(root, "deploy/Dockerfile")
    ins = parse_dockerfile(path)
    froms = [a for k, a, _ in ins if k == "FROM"]
    last = len(froms) - 1
    check(len(froms) >= 2, "Dockerfile: multi-stage build", f"{len(froms)} FROM")
    args = {}
    for k, a, s in ins:
        if k == "ARG" and "=" in a:
            n, v = a.split("=", 1)
            args[n.strip()] = v.strip()
    final_image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), froms[-1].split()[0])
    check(final_image.endswith("-slim") or "distroless" in final_image,
          f"Dockerfile: small runtime base image ({final_image})")
    check(any(k == "RUN" and "cargo build --release" in a and s == 0 for k, a, s in ins),
          "Dockerfile: release build in the build stage")

    # COPY sources exist and are let through by the dockerignore file
    ignore_file = path + ".dockerignore"
    rules = []
    if os.path.exists(ignore_file):
        with open(ignore_file, encoding="utf-8") as f:
            rules = [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]
    for k, a, s in ins:
        if k not in ("COPY", "ADD"):
            continue
        parts = shlex.split(a)
        if any(p.startswith("--from") for p in parts):
            continue
        srcs = [p for p in parts if not p.startswith("--")][:-1]
        for src in srcs:
            src = src.rstrip("/")
            exists = os.path.exists(os.path.join(root, src))
            check(exists, f"Dockerfile: COPY source {src} exists in the repository")
            check(dockerignore_allows(rules, src), f"Dockerfile: COPY source {src} is in the build context (Dockerfile.dockerignore)")

    users = [a for k, a, s in ins if k == "USER" and s == last]
    user = users[-1] if users else "root"
    uid = user.split(":")[0]
    check(uid.isdigit() and int(uid) != 0, f"Dockerfile: runs as a numeric non-root user ({user})")

    hc = [a for k, a, s in ins if k == "HEALTHCHECK" and s == last]
    default_port = port_of(defaults["metrics_listen"])
    url = re.search(r"https?://[^\s\"']+", hc[-1]) if hc else None
    check(url is not None, "Dockerfile: HEALTHCHECK present in the runtime stage")
    if url:
        u = urllib.parse.urlparse(url.group(0))
        check(u.path == "/healthz", f"Dockerfile: HEALTHCHECK probes /healthz ({u.path})")
        check(u.port == default_port, f"Dockerfile: HEALTHCHECK port {u.port} is the default metrics port {default_port}")
    exposed = [a for k, a, s in ins if k == "EXPOSE" and s == last]
    check(any(str(default_port) in a.split() for a in exposed), f"Dockerfile: EXPOSE {default_port}")

    ep = [exec_form(a) for k, a, s in ins if k == "ENTRYPOINT" and s == last]
    cmd = [exec_form(a) for k, a, s in ins if k == "CMD" and s == last]
    argv = (ep[-1] if ep else []) + (cmd[-1] if cmd else [])
    check(bool(ep) and bool(cmd) and None not in argv, "Dockerfile: ENTRYPOINT and CMD in exec form", str(argv))
    config_path = None
    if "--config" in argv:
        config_path = argv[argv.index("--config") + 1]
    check(config_path is not None and "run" in argv, f"Dockerfile: CMD runs the worker with --config ({config_path})")
    copies = [shlex.split(a) for k, a, s in ins if k == "COPY" and s == last]
    check(any(c[-1] == config_path and c[-2] == "config.toml" for c in copies),
          f"Dockerfile: the default config.toml is copied to {config_path}")
    check(any(c[-2] == "dictionaries" for c in copies), "Dockerfile: the dictionaries are in the image")
    return {"config_path": config_path, "uid": int(uid) if uid.isdigit() else None, "argv": argv}


# ====================================================================== Kubernetes


def check_k8s(root, defaults, docker):
    docs = []
    for path in sorted(glob.glob(os.path.join(root, "deploy/k8s/*.yaml"))):
        try:
            d = load_yaml_docs(path)
            ok(f"k8s: {os.path.relpath(path, root)} parses ({len(d)} object(s))")
            docs += d
        except yaml.YAMLError as e:
            fail(f"k8s: {path} does not parse: {e}")
    by_kind = {}
    for d in docs:
        check(isinstance(d, dict) and "apiVersion" in d and "kind" in d and d.get("metadata", {}).get("name"),
              f"k8s: {d.get('kind')}/{d.get('metadata', {}).get('name')} has apiVersion, kind and metadata.name")
        by_kind.setdefault(d["kind"], []).append(d)
    kinds = ["Deployment", "ConfigMap", "Secret", "Service", "ServiceMonitor", "PodDisruptionBudget",
             "ScaledObject", "TriggerAuthentication"]
    for kind in kinds:
        check(kind in by_kind, f"k8s: a {kind} is defined")
    if not all(kind in by_kind for kind in kinds):
        return

    dep = by_kind["Deployment"][0]
    cm = by_kind["ConfigMap"][0]
    secret = by_kind["Secret"][0]
    svc = by_kind["Service"][0]
    pod = dep["spec"]["template"]
    pod_labels = pod["metadata"]["labels"]
    podspec = pod["spec"]
    main = [c for c in podspec["containers"] if c["name"] == "demarche"][0]

    # the ConfigMap's config.toml
    cfg_text = cm["data"]["config.toml"]
    cfg = tomllib.loads(cfg_text)
    listen = cfg.get("metrics", {}).get("listen", defaults["metrics_listen"])
    drain = cfg.get("shutdown", {}).get("drain_timeout_secs", defaults["drain_timeout_secs"])
    metrics_port = port_of(defaults["metrics_listen"])
    check(port_of(listen) == metrics_port,
          f"k8s: ConfigMap config.toml listens on the default metrics port ({listen})")
    check(not any(t in cfg.get("kafka", {}) for t in ("consumer", "producer")),
          "k8s: ConfigMap config.toml leaves [kafka.consumer]/[kafka.producer] to render-config.sh")

    # ports and probes
    ports = {p["name"]: p["containerPort"] for p in main.get("ports", [])}
    check(ports.get("metrics") == metrics_port, f"k8s: container port 'metrics' is {metrics_port}", str(ports))

    def probe_port(p):
        port = p["httpGet"]["port"]
        return ports.get(port) if isinstance(port, str) else port

    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        p = main.get(probe)
        check(p is not None and p["httpGet"]["path"] == path and probe_port(p) == metrics_port,
              f"k8s: {probe} is GET {path} on port {metrics_port}", str(p))

    # grace period: above the drain timeout, and above the worker's own watchdog
    # (src/commands/run.rs exits at drain_timeout_secs + 15 s)
    grace = podspec.get("terminationGracePeriodSeconds", 30)
    check(grace > drain, f"k8s: terminationGracePeriodSeconds {grace} > drain_timeout_secs {drain}")
    check(grace >= drain + 15, f"k8s: terminationGracePeriodSeconds {grace} >= drain timeout + 15 s watchdog")

    res = main.get("resources", {})
    check(all(k in res.get("requests", {}) for k in ("cpu", "memory")) and "memory" in res.get("limits", {}),
          "k8s: resources: cpu and memory requests, memory limit")

    # the config path: the image's CMD, the container's args, the mounted volume and the
    # file the init container writes
    cfg_path = docker["config_path"]
    args = main.get("command", []) + main.get("args", [])
    if args:
        check("--config" in args and args[args.index("--config") + 1] == cfg_path,
              f"k8s: container args pass --config {cfg_path}, like the image's CMD", str(args))
    cfg_dir = os.path.dirname(cfg_path)
    mounts = {m["mountPath"]: m["name"] for m in main.get("volumeMounts", [])}
    check(cfg_dir in mounts, f"k8s: the worker mounts a volume at {cfg_dir}", str(mounts))
    vol_name = mounts.get(cfg_dir)
    inits = podspec.get("initContainers", [])
    writer = [c for c in inits
              if any(m["name"] == vol_name and m["mountPath"] == cfg_dir for m in c.get("volumeMounts", []))]
    check(len(writer) == 1, f"k8s: an init container writes the config volume at {cfg_dir}")
    if writer:
        env = {e["name"]: e for e in writer[0].get("env", [])}
        check(env.get("OUT", {}).get("value") == cfg_path, f"k8s: the init container writes {cfg_path}")
        tpl_mounts = {m["name"]: m["mountPath"] for m in writer[0]["volumeMounts"]}
        volumes = {v["name"]: v for v in podspec["volumes"]}
        cm_vols = [n for n, v in volumes.items() if v.get("configMap", {}).get("name") == cm["metadata"]["name"]]
        check(len(cm_vols) == 1 and cm_vols[0] in tpl_mounts, "k8s: the init container mounts the ConfigMap")
        if cm_vols and cm_vols[0] in tpl_mounts:
            d = tpl_mounts[cm_vols[0]]
            check(env.get("IN", {}).get("value") == f"{d}/config.toml", f"k8s: the init container reads {d}/config.toml")
            check(writer[0].get("command", [])[-1] == f"{d}/render-config.sh", f"k8s: the init container runs {d}/render-config.sh")
            keys = [i["key"] for i in volumes[cm_vols[0]]["configMap"].get("items", [])] or list(cm["data"])
            check(set(keys) >= {"config.toml", "render-config.sh"} and set(keys) <= set(cm["data"]),
                  "k8s: the ConfigMap volume holds config.toml and render-config.sh")
        secret_keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
        for name in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
            ref = env.get(name, {}).get("valueFrom", {}).get("secretKeyRef", {})
            check(ref.get("name") == secret["metadata"]["name"] and ref.get("key") in secret_keys,
                  f"k8s: {name} comes from Secret {secret['metadata']['name']}", str(ref))
        check(writer[0].get("image") == main.get("image"), "k8s: the init container uses the worker's image (sh, sed)")

    # non-root, matching the image
    sc = podspec.get("securityContext", {})
    check(sc.get("runAsNonRoot") is True and sc.get("runAsUser") == docker["uid"],
          f"k8s: runAsNonRoot with the image's uid {docker['uid']}")

    # DEMARCHE_* variables are ones the binary reads (config.toml documents each one)
    for c in podspec["containers"] + inits:
        for e in c.get("env", []):
            if e["name"].startswith("DEMARCHE_"):
                check(e["name"] in defaults["env_vars"], f"k8s: {e['name']} is a variable demarche reads")

    # Service -> pods, ServiceMonitor -> Service, PDB -> pods
    sel = svc["spec"]["selector"]
    check(all(pod_labels.get(k) == v for k, v in sel.items()), "k8s: the Service selects the Deployment's pods")
    sp = [p for p in svc["spec"]["ports"] if p.get("name") == "metrics"]
    check(len(sp) == 1 and (sp[0].get("targetPort") in ("metrics", metrics_port)) and sp[0]["port"] == metrics_port,
          f"k8s: Service port 'metrics' {metrics_port} -> container port metrics", str(sp))
    sm = by_kind["ServiceMonitor"][0]
    sm_sel = sm["spec"]["selector"]["matchLabels"]
    check(all(svc["metadata"]["labels"].get(k) == v for k, v in sm_sel.items()), "k8s: the ServiceMonitor selects the Service")
    eps = sm["spec"]["endpoints"]
    check(all(e.get("port") == "metrics" and e.get("path", "/metrics") == "/metrics" for e in eps),
          "k8s: the ServiceMonitor scrapes port 'metrics', path /metrics")
    check(svc["metadata"]["name"] == "demarche", "k8s: the Service is named 'demarche' (the scrape job the alerts use)")
    pdb = by_kind["PodDisruptionBudget"][0]
    check(all(pod_labels.get(k) == v for k, v in pdb["spec"]["selector"]["matchLabels"].items()),
          "k8s: the PodDisruptionBudget selects the Deployment's pods")
    check(dep["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), "k8s: the Deployment selector matches its pods")

    # KEDA: targets the Deployment, reads the same group/topic/brokers, capped
    so = by_kind["ScaledObject"][0]
    check(so["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"], "k8s: the ScaledObject scales the Deployment")
    mn, mx = so["spec"].get("minReplicaCount", 0), so["spec"].get("maxReplicaCount")
    check(mx is not None and 1 <= mn <= mx, f"k8s: ScaledObject replicas {mn}..{mx}")
    kafka_cfg = cfg.get("kafka", {})
    for trig in so["spec"]["triggers"]:
        check(trig["type"] == "kafka", "k8s: the ScaledObject uses the kafka trigger")
        md = trig["metadata"]
        check(md.get("consumerGroup") == kafka_cfg.get("group_id", "demarche"), "k8s: KEDA watches config.toml's consumer group")
        check(md.get("topic") in kafka_cfg.get("input_topics", ["articles"]), "k8s: KEDA watches an input topic of config.toml")
        check(md.get("bootstrapServers") == kafka_cfg.get("brokers"), "k8s: KEDA uses config.toml's brokers")
        check(str(md.get("allowIdleConsumers", "false")).lower() == "false", "k8s: KEDA never scales past the partition count")
        ta_name = trig.get("authenticationRef", {}).get("name")
        tas = [t for t in by_kind["TriggerAuthentication"] if t["metadata"]["name"] == ta_name]
        check(len(tas) == 1, f"k8s: TriggerAuthentication {ta_name} exists")
        for ref in (tas[0]["spec"].get("secretTargetRef", []) if tas else []):
            secret_keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
            check(ref["name"] == secret["metadata"]["name"] and ref["key"] in secret_keys,
                  f"k8s: KEDA {ref['parameter']} comes from Secret key {ref['key']}")


# ====================================================================== compose


def check_compose(root, defaults, docker):
    base = os.path.join(root, "deploy")
    path = os.path.join(base, "compose.yaml")
    try:
        c = load_yaml_docs(path)[0]
        ok("compose: deploy/compose.yaml parses")
    except yaml.YAMLError as e:
        fail(f"compose: deploy/compose.yaml does not parse: {e}")
        return
    svcs = c.get("services", {})
    names = ("kafka", "demarche", "loader", "prometheus", "grafana")
    for name in names:
        check(name in svcs, f"compose: service {name}")
    if not all(name in svcs for name in names):
        return
    port = port_of(defaults["metrics_listen"])
    k = svcs["kafka"]
    kenv = k.get("environment", {})
    check(str(k.get("image", "")).startswith("apache/kafka:"), f"compose: Kafka is the official image ({k.get('image')})")
    check("controller" in str(kenv.get("KAFKA_PROCESS_ROLES", "")) and not any("ZOOKEEPER" in v for v in kenv),
          "compose: Kafka runs in KRaft mode")
    advertised = [u.split("://", 1)[1] for u in str(kenv.get("KAFKA_ADVERTISED_LISTENERS", "")).split(",")]

    d = svcs["demarche"]
    check(d.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
          and os.path.normpath(os.path.join(base, d["build"].get("context", "."), "deploy/Dockerfile"))
          == os.path.join(root, "deploy/Dockerfile"),
          "compose: demarche is built from deploy/Dockerfile with the repository as context")
    denv = d.get("environment", {})
    for var in denv:
        if var.startswith("DEMARCHE_"):
            check(var in defaults["env_vars"], f"compose: {var} is a variable demarche reads")
    brokers = denv.get("DEMARCHE_KAFKA_BROKERS", "")
    check(brokers and all(b in advertised for b in brokers.split(",")),
          f"compose: demarche's brokers {brokers} are advertised by Kafka {advertised}")
    cports = [str(p).rsplit(":", 1)[-1] for p in d.get("ports", [])]
    check(str(port) in cports, f"compose: demarche publishes the metrics port {port}", str(cports))
    grace = d.get("stop_grace_period", "10s")
    secs = int(re.match(r"(\d+)s$", grace).group(1)) if re.match(r"(\d+)s$", str(grace)) else 0
    check(secs >= defaults["drain_timeout_secs"] + 15,
          f"compose: stop_grace_period {grace} covers the drain timeout {defaults['drain_timeout_secs']} s + 15 s")

    topics_cmd = json.dumps(svcs.get("topics", {}))
    for t in defaults["topics"]:
        check(re.search(rf"\b{re.escape(t)}:\d", topics_cmd) is not None, f"compose: topic {t} is created")
    loader = json.dumps(svcs["loader"])
    check("samples" in loader and defaults["topics"][0] in loader, "compose: the loader feeds the samples into the input topic")

    # every bind mount exists
    for name, s in svcs.items():
        for v in s.get("volumes", []):
            src = v.split(":")[0] if isinstance(v, str) else v.get("source")
            if src.startswith(".") or src.startswith("/"):
                check(os.path.exists(os.path.normpath(os.path.join(base, src))), f"compose: {name} mounts {src}, which exists")

    # Prometheus: the config it mounts scrapes demarche on the metrics port
    prom = svcs["prometheus"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in prom.get("volumes", [])}
    cfg_file = next((a.split("=", 1)[1] for a in prom.get("command", []) if a.startswith("--config.file=")),
                    "/etc/prometheus/prometheus.yml")
    check(mounts.get(cfg_file) == "./prometheus/prometheus.yml", "compose: Prometheus reads deploy/prometheus/prometheus.yml")
    pcfg = load_yaml_docs(os.path.join(base, "prometheus/prometheus.yml"))[0]
    for rf in pcfg.get("rule_files", []):
        check(os.path.join(os.path.dirname(cfg_file), rf) in mounts, f"compose: rule file {rf} is mounted next to the config")
    jobs = {j["job_name"]: j for j in pcfg["scrape_configs"]}
    check("demarche" in jobs, "prometheus.yml: scrape job 'demarche' (the job the alerts use)")
    if "demarche" in jobs:
        j = jobs["demarche"]
        sd_ports = [s.get("port") for s in j.get("dns_sd_configs", [])]
        st_ports = [port_of(t) for s in j.get("static_configs", []) for t in s["targets"]]
        names = [n for s in j.get("dns_sd_configs", []) for n in s.get("names", [])]
        check(set(sd_ports + st_ports) == {port}, f"prometheus.yml: demarche scraped on port {port}")
        check(j.get("metrics_path", "/metrics") == "/metrics", "prometheus.yml: metrics path /metrics")
        check(all(n in svcs for n in names), "prometheus.yml: DNS names are compose services")

    # Grafana: provisioning mounted, the dashboard where the provider looks
    g = svcs["grafana"]
    gm = {v.split(":")[1]: v.split(":")[0] for v in g.get("volumes", [])}
    dash_target = [t for t, s in gm.items() if s == "./grafana/demarche.json"]
    check(len(dash_target) == 1, "compose: Grafana mounts deploy/grafana/demarche.json")
    prov = load_yaml_docs(os.path.join(base, "grafana/provisioning/dashboards/demarche.yaml"))[0]
    ppath = prov["providers"][0]["options"]["path"]
    check(dash_target and os.path.dirname(dash_target[0]) == ppath, f"compose: the dashboard is in the provider's folder {ppath}")
    check(gm.get("/etc/grafana/provisioning/dashboards") == "./grafana/provisioning/dashboards"
          and gm.get("/etc/grafana/provisioning/datasources") == "./grafana/provisioning/datasources",
          "compose: Grafana provisioning directories are mounted")
    ds = load_yaml_docs(os.path.join(base, "grafana/provisioning/datasources/prometheus.yaml"))[0]["datasources"][0]
    check(ds["type"] == "prometheus" and urllib.parse.urlparse(ds["url"]).hostname in svcs
          and urllib.parse.urlparse(ds["url"]).port == 9090, f"compose: Grafana data source points at the prometheus service ({ds['url']})")
    home = g.get("environment", {}).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    check(home is None or home in dash_target, "compose: Grafana's home dashboard is the mounted one")


# ====================================================================== dashboard / alerts


def dashboard_panels(panels):
    for p in panels:
        yield p
        yield from dashboard_panels(p.get("panels", []))


def dashboard_exprs(dash):
    out = []
    for p in dashboard_panels(dash.get("panels", [])):
        for t in p.get("targets", []):
            if t.get("expr"):
                out.append((f"panel '{p.get('title')}' {t.get('refId')}", t["expr"]))
    return out


def dashboard_var_queries(dash):
    out = []
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            out.append((v["name"], q))
    return out


def alert_rules(path):
    doc = load_yaml_docs(path)[0]
    return [r for g in doc["groups"] for r in g["rules"]]


def check_dashboard_static(root):
    path = os.path.join(root, "deploy/grafana/demarche.json")
    with open(path, encoding="utf-8") as f:
        dash = json.load(f)
    ok("grafana: demarche.json parses")
    ids = [p["id"] for p in dashboard_panels(dash["panels"])]
    check(len(ids) == len(set(ids)), "grafana: panel ids are unique")
    titles = [p.get("title", "") for p in dashboard_panels(dash["panels"])]
    for want in ["Articles in / out per second", "Consumer lag per partition (messages)",
                 "Consumer lag per partition (seconds, estimated)", "End-to-end latency", "Coding time per article",
                 "Dead letters per second, by reason", "Events per second, by CAMEO root",
                 "Events per second, by quad class", "In-flight articles", "Rebalances", "Assigned partitions",
                 "Producer queue", "Errors per second, by kind", "Replay progress"]:
        check(want in titles, f"grafana: panel '{want}'")
    uids = set()
    for p in dashboard_panels(dash["panels"]):
        if p.get("type") != "row":
            uids.add(json.dumps(p.get("datasource")))
    check(uids == {json.dumps({"type": "prometheus", "uid": "${datasource}"})},
          "grafana: every panel uses the $datasource variable")
    for r in alert_rules(os.path.join(root, "deploy/prometheus/alerts.yaml")):
        a = r.get("annotations", {})
        check(r.get("alert") and r.get("expr") and a.get("summary") and a.get("runbook") and r.get("labels", {}).get("severity"),
              f"alerts: {r.get('alert')} has expr, severity, summary and runbook")
    return dash


# ---------------------------------------------------------------- PromQL helpers

KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "offset", "inf", "nan", "atan2"}


def substitute(expr, subs):
    for k in sorted(subs, key=len, reverse=True):
        expr = expr.replace("${" + k + "}", subs[k]).replace("$" + k, subs[k])
    return expr


def blank_nested(expr):
    """The expression with string literals and the insides of {...} and [...] blanked."""
    out, i, n = [], 0, len(expr)
    while i < n:
        ch = expr[i]
        if ch in "\"'`":
            j = i + 1
            while j < n and expr[j] != ch:
                j += 2 if expr[j] == "\\" else 1
            out.append(" " * (j + 1 - i))
            i = j + 1
        elif ch in "{[":
            close = "}" if ch == "{" else "]"
            j = i + 1
            while j < n and expr[j] != close:
                if expr[j] in "\"'":
                    q = expr[j]
                    j += 1
                    while j < n and expr[j] != q:
                        j += 2 if expr[j] == "\\" else 1
                j += 1
            out.append(ch + " " * (j - i - 1) + close)
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def metric_names(expr):
    """Metric names an expression selects (not functions, keywords or label names)."""
    s = blank_nested(expr)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", s):
        tok = m.group(0)
        after = s[m.end():].lstrip()
        if tok.lower() in KEYWORDS or after.startswith("("):
            continue
        if m.start() > 0 and (s[m.start() - 1].isdigit() or s[m.start() - 1] == "."):
            continue  # 1e-9, 0.001
        names.add(tok)
    return names


def split_top_level(expr):
    """Operands of the top-level and/or/unless operators, modifiers dropped."""
    s = blank_nested(expr)
    parts, depth, start = [], 0, 0
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            m = re.match(r"\b(and|or|unless)\b", s[i:])
            if m and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")):
                parts.append(expr[start:i])
                j = i + m.end()
                mod = re.match(r"\s*(on|ignoring)\s*\([^)]*\)(\s*(group_left|group_right)\s*(\([^)]*\))?)?", s[j:])
                if mod:
                    j += mod.end()
                start = j
                i = j
                continue
        i += 1
    parts.append(expr[start:])
    return [p.strip() for p in parts if p.strip()]


def strip_comparisons(expr):
    """Removes `OP [bool] NUMBER` comparisons at any depth (the threshold of a rule)."""
    s = blank_nested(expr)
    cuts = [(m.start(), m.end()) for m in
            re.finditer(r"\s*(==|!=|>=|<=|>|<)\s*(bool\s+)?[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\b", s)]
    for a, b in reversed(cuts):
        expr = expr[:a] + expr[b:]
    return expr.strip()


def unwrap_absent(expr):
    m = re.match(r"^\s*absent\s*\((.*)\)\s*$", expr, re.S)
    return m.group(1) if m else expr


# ---------------------------------------------------------------- Prometheus API


def api(base, path, params=None, retries=3):
    url = base.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    for attempt in range(retries):
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            try:
                return json.loads(body)
            except ValueError:
                return {"status": "error", "error": f"HTTP {e.code}: {body[:200]}"}
        except (urllib.error.URLError, TimeoutError) as e:
            if attempt == retries - 1:
                return {"status": "error", "error": str(e)}
            time.sleep(1)


def query(base, expr):
    """(ok, number of series or error text)."""
    r = api(base, "/api/v1/query", {"query": expr})
    if r.get("status") != "success":
        return False, r.get("error", "unknown error")
    data = r["data"]
    if data["resultType"] in ("vector", "matrix"):
        return True, len(data["result"])
    return True, 1  # scalar / string


def exposition_names(text):
    samples, families = set(), set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            families.add(line.split()[2])
        elif line and not line.startswith("#"):
            samples.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return samples, families


def family_of(name, families):
    for suffix in ("_bucket", "_sum", "_count", ""):
        if name.endswith(suffix) and name[: len(name) - len(suffix)] in families:
            return name[: len(name) - len(suffix)]
    return None


def check_live(args):
    root = args.root
    with open(os.path.join(root, "deploy/grafana/demarche.json"), encoding="utf-8") as f:
        dash = json.load(f)
    rules = alert_rules(os.path.join(root, "deploy/prometheus/alerts.yaml"))
    with urllib.request.urlopen(args.metrics, timeout=10) as r:
        exposition = r.read().decode("utf-8")
    samples, families = exposition_names(exposition)
    allowed_synthetic = {"up"}  # made by Prometheus for every target

    target = api(args.prometheus, "/api/v1/targets")["data"]["activeTargets"]
    instance = [t["labels"]["instance"] for t in target if t["labels"].get("job") == args.job][0]
    subs = {"__rate_interval": args.rate_interval, "__interval": "5s", "__range": "1m",
            "job": args.job, "instance": instance, "topic": args.topic, "datasource": "prometheus"}
    print(f"substituting Grafana variables: {subs}")

    used = set()

    def names_ok(where, expr):
        names = metric_names(expr)
        used.update(names)
        bad = sorted(n for n in names if n not in samples and n not in allowed_synthetic)
        check(not bad, f"{where}: metric names exist in /metrics {sorted(names)}", f"unknown {bad}")

    # dashboard panels
    exprs = dashboard_exprs(dash)
    check(len(exprs) > 0, f"dashboard: {len(exprs)} PromQL expressions found")
    for where, expr in exprs:
        e = substitute(expr, subs)
        names_ok(f"dashboard {where}", e)
        good, n = query(args.prometheus, e)
        check(good and n > 0, f"dashboard {where}: returns data ({n} series)", f"{e} -> {n}")

    # dashboard variables: label_values(selector, label)
    for name, q in dashboard_var_queries(dash):
        m = re.match(r"^label_values\((.*),\s*(\w+)\)$", q.strip(), re.S)
        if not m:
            fail(f"dashboard variable ${name}: unsupported query {q!r}")
            continue
        sel, label = substitute(m.group(1), subs), m.group(2)
        names_ok(f"dashboard variable ${name}", sel)
        r = api(args.prometheus, "/api/v1/series", {"match[]": sel})
        series = r.get("data", []) if r.get("status") == "success" else []
        check(series and all(label in s for s in series),
              f"dashboard variable ${name}: {sel} has label {label} ({len(series)} series)", str(r.get("error", "")))

    # alert rules
    for rule in rules:
        name, expr = rule["alert"], rule["expr"]
        names_ok(f"alert {name}", expr)
        good, n = query(args.prometheus, expr)
        check(good, f"alert {name}: full expression evaluates ({n} series now)", str(n))
        for part in split_top_level(expr):
            probe = strip_comparisons(unwrap_absent(strip_comparisons(part)))
            good, n = query(args.prometheus, probe)
            check(good and n > 0, f"alert {name}: operand returns data: {' '.join(probe.split())}", str(n))

    # the rules as Prometheus itself evaluates them
    groups = api(args.prometheus, "/api/v1/rules")["data"]["groups"]
    loaded = {r["name"]: r for g in groups for r in g["rules"]}
    for rule in rules:
        r = loaded.get(rule["alert"])
        check(r is not None and r.get("health") == "ok",
              f"alert {rule['alert']}: loaded by Prometheus, health ok", str(r and (r.get('health'), r.get('lastError'))))

    # every demarche metric is on the dashboard
    dash_families = {family_of(n, families) for e in exprs for n in metric_names(e[1])}
    for fam in sorted(f for f in families if f.startswith("demarche_")):
        check(fam in dash_families, f"dashboard shows {fam}")

    # the README's Monitor section: real metric names, every alert with a runbook line
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    m = re.search(r"^## Monitor\n(.*?)(?=^## )", readme + "\n## ", re.S | re.M)
    if check(m is not None, "README: has a Monitor section"):
        section = m.group(1)
        for name in sorted(set(re.findall(r"\bdemarche_[a-z_]+", section))):
            check(family_of(name, families) is not None, f"README Monitor: {name} is a real metric")
        for rule in rules:
            check(re.search(rf"\b{rule['alert']}\b.*\n?.*[Rr]unbook", section) is not None
                  or re.search(rf"\| *`?{rule['alert']}`? *\|", section) is not None,
                  f"README Monitor: alert {rule['alert']} is documented")
        for a in sorted(set(re.findall(r"\bDemarche[A-Z][A-Za-z]+\b", section))):
            check(a in {r["alert"] for r in rules}, f"README Monitor: {a} is an alert of alerts.yaml")
    check(re.search(r"^## Deploy\n", readme, re.M) is not None, "README: has a Deploy section")


# ====================================================================== main


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("static")
    s.add_argument("--root", required=True)
    s.add_argument("--defaults", required=True)
    l = sub.add_parser("live")
    l.add_argument("--root", required=True)
    l.add_argument("--prometheus", required=True)
    l.add_argument("--metrics", required=True)
    l.add_argument("--job", default="demarche")
    l.add_argument("--topic", default="articles")
    l.add_argument("--rate-interval", default="15s")
    a = ap.parse_args()
    a.root = os.path.abspath(a.root)
    if a.cmd == "static":
        with open(a.defaults, encoding="utf-8") as f:
            defaults = json.load(f)
        docker = check_dockerfile(a.root, defaults)
        check_k8s(a.root, defaults, docker)
        check_compose(a.root, defaults, docker)
        check_dashboard_static(a.root)
    else:
        check_live(a)
    print(f"{a.cmd}: {PASSES[0]} passed, {len(FAILURES)} failed")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
