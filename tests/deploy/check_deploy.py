#!/usr/bin/env python3
"""Checks deploy/ without a container engine: the manifests and the compose
file parse, name one image, and agree with each other and with the binaries
on ports, secrets, volumes, probes and flags; the configuration reference
lists every flag; the scheduled backups (CronJobs, the systemd timer) call
the services they back up, which run with a backup volume; the systemd
units pass `systemd-analyze verify` where it is
available.

    check_deploy.py SOURCE_DIR BUILD_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

SOURCE, BUILD = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
DEPLOY = os.path.join(SOURCE, "deploy")
BINARIES = {
    "stats-service": os.path.join(BUILD, "stats-service", "stats-service"),
    "award-service": os.path.join(BUILD, "award-service", "award-service"),
    "imdictl": os.path.join(BUILD, "tools", "imdictl"),
}
HEALTH_NAMES = {"stats-service": "imdi.stats.v1.StatsService",
                "award-service": "imdi.award.v1.AwardService"}
failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


def flags_of(binary):
    """The project's flags of a binary, from --helpfull."""
    out = subprocess.run([BINARIES[binary], "--helpfull"], capture_output=True, text=True).stdout
    flags, ours = set(), False
    for line in out.splitlines():
        if line.strip().startswith("Flags from "):
            ours = "absl/" not in line
        m = re.match(r"\s+--(\w+) \(", line)
        if m and ours:
            flags.add(m.group(1))
    return flags


FLAGS = {b: flags_of(b) for b in BINARIES}


def parse_args(args):
    """--name=value arguments of a command line as a dict."""
    out = {}
    for a in args:
        m = re.match(r"--(\w+)=(.*)", a)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def check_command(where, command):
    binary = command[0]
    if not check(binary in FLAGS, f"{where}: unknown binary {binary}"):
        return {}
    args = parse_args(command[1:])
    for name in args:
        check(name in FLAGS[binary], f"{where}: {binary} has no flag --{name}")
    return args


def port(address):
    return int(address.rsplit(":", 1)[1])


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


# --- Kubernetes --------------------------------------------------------------
k8s_dir = os.path.join(DEPLOY, "k8s")
kustomization = load(os.path.join(k8s_dir, "kustomization.yaml"))[0]
docs = []
for resource in kustomization["resources"]:
    check(os.path.exists(os.path.join(k8s_dir, resource)), f"kustomization names missing {resource}")
check("secrets.example.yaml" not in kustomization["resources"],
      "the kustomization would apply the example Secrets over real ones")
namespace = kustomization.get("namespace", "default")
for name in sorted(os.listdir(k8s_dir)):
    if name.endswith(".yaml") and name != "kustomization.yaml":
        docs += load(os.path.join(k8s_dir, name))
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
secrets = by_kind.get("Secret", {})
services = by_kind.get("Service", {})
images = set()
stats_service_port = None
pod_labels = {}
backup_targets = {}  # binary -> (Service name, gRPC port)


def check_secret_files(where, args, mounts, volumes):
    """Every file flag under /etc/imdi/ points into a mounted Secret that has that key."""
    for flag, value in args.items():
        if not value.startswith("/etc/imdi/"):
            continue
        directory, _, key = value.rpartition("/")
        mount = mounts.get(value) or mounts.get(directory)
        if not check(mount in volumes and "secret" in volumes[mount], f"{where}: --{flag}={value} is not in a mounted Secret"):
            continue
        secret = secrets.get(volumes[mount]["secret"]["secretName"])
        if not check(secret is not None, f"{where}: Secret {volumes[mount]['secret']['secretName']} is not defined"):
            continue
        keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
        if mounts.get(value):  # a directory of credentials files
            check(any(k.endswith(".credentials") for k in keys), f"{where}: --{flag} directory has no *.credentials key")
        else:
            check(key in keys, f"{where}: Secret {secret['metadata']['name']} has no key {key} for --{flag}")


for name, sts in by_kind.get("StatefulSet", {}).items():
    where = f"StatefulSet {name}"
    spec = sts["spec"]
    template = spec["template"]
    labels = template["metadata"]["labels"]
    check(spec["selector"]["matchLabels"].items() <= labels.items(), f"{where}: selector misses the pod labels")
    svc = services.get(spec["serviceName"])
    check(svc is not None, f"{where}: no Service {spec['serviceName']}")
    check(template["spec"]["securityContext"].get("runAsNonRoot") is True, f"{where}: not runAsNonRoot")
    volumes = {v["name"]: v for v in template["spec"].get("volumes", [])}
    claims = {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates", [])}
    for c in template["spec"]["containers"]:
        images.add(c["image"])
        binary = c["args"][0]
        pod_labels[binary] = labels
        args = check_command(f"{where}", c["args"])
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        check(port(args.get("listen", ":0")) == ports.get("grpc"), f"{where}: --listen does not match port grpc")
        check(port(args.get("health_listen", ":0")) == ports.get("health"), f"{where}: --health_listen does not match port health")
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            check(c[probe]["grpc"]["port"] == ports.get("health"), f"{where}: {probe} is not on the health port")
        check(c["readinessProbe"]["grpc"].get("service") == HEALTH_NAMES.get(binary), f"{where}: readiness names the wrong service")
        check("service" not in c["livenessProbe"]["grpc"], f"{where}: liveness should check the server, not the service")
        check("limits" in c["resources"] and "requests" in c["resources"], f"{where}: resources need requests and limits")
        mounts = {}
        for m in c["volumeMounts"]:
            check(m["name"] in volumes or m["name"] in claims, f"{where}: mount {m['name']} has no volume")
            mounts[m["mountPath"]] = m["name"]
        check(mounts.get(args.get("data_dir")) in claims, f"{where}: --data_dir is not on a persistent volume")
        if check("backup_dir" in args, f"{where}: no --backup_dir"):
            check(mounts.get(args["backup_dir"]) in claims and mounts.get(args["backup_dir"]) != mounts.get(args.get("data_dir")),
                  f"{where}: --backup_dir is not on a persistent volume of its own")
            check("backup_keep" in args, f"{where}: no --backup_keep")
            backup_targets[binary] = (svc["metadata"]["name"] if svc else None, ports.get("grpc"))
        check_secret_files(where, args, mounts, volumes)
    svc_ports = {p["name"]: p for p in svc["spec"]["ports"]} if svc else {}
    if svc:
        check(svc["spec"]["selector"].items() <= labels.items(), f"Service {svc['metadata']['name']}: selector misses the pods")
        check(svc_ports.get("grpc", {}).get("targetPort") == "grpc", f"Service {svc['metadata']['name']}: targetPort is not grpc")
    if template["spec"]["containers"][0]["args"][0] == "stats-service" and svc:
        stats_service_port = (svc["metadata"]["name"], svc_ports["grpc"]["port"])

for name, sts in by_kind.get("StatefulSet", {}).items():
    for c in sts["spec"]["template"]["spec"]["containers"]:
        if c["args"][0] == "award-service":
            target = parse_args(c["args"][1:]).get("stats_target", "")
            check(stats_service_port and target in (f"{stats_service_port[0]}:{stats_service_port[1]}",
                                                    f"{stats_service_port[0]}.{namespace}.svc:{stats_service_port[1]}"),
                  f"award-service's --stats_target {target} is not the stats Service {stats_service_port}")

for name, policy in by_kind.get("NetworkPolicy", {}).items():
    selected = policy["spec"]["podSelector"]["matchLabels"]
    check(selected.items() <= pod_labels.get("stats-service", {}).items(), f"NetworkPolicy {name} does not select the stats pods")
    sources = [f["podSelector"]["matchLabels"] for rule in policy["spec"]["ingress"] for f in rule.get("from", [])]
    check(any(s.items() <= pod_labels.get("award-service", {}).items() for s in sources),
          f"NetworkPolicy {name} does not let the award service in")
    api_ports = [p["port"] for rule in policy["spec"]["ingress"] if rule.get("from") for p in rule["ports"]]
    check(stats_service_port and api_ports == [stats_service_port[1]], f"NetworkPolicy {name}: API port {api_ports}")
check(by_kind.get("NetworkPolicy"), "no NetworkPolicy")

# Scheduled backups: a CronJob per service calls its CreateBackup with
# imdictl from the same image, over TLS with a token from a Secret.
BACKUP_TARGET_FLAG = {"stats-service": "target", "award-service": "award_target"}
backed_up = set()
for name, cron in by_kind.get("CronJob", {}).items():
    where = f"CronJob {name}"
    check(cron["spec"].get("concurrencyPolicy") == "Forbid", f"{where}: backups may overlap (concurrencyPolicy)")
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]
    check(pod["spec"].get("securityContext", {}).get("runAsNonRoot") is True, f"{where}: not runAsNonRoot")
    volumes = {v["name"]: v for v in pod["spec"].get("volumes", [])}
    for c in pod["spec"]["containers"]:
        images.add(c["image"])
        args = check_command(where, c["args"])
        words = [a for a in c["args"][1:] if not a.startswith("--")]
        check(c["args"][0] == "imdictl" and words == ["backup", "create"], f"{where}: does not run imdictl backup create")
        binary = {"stats": "stats-service", "award": "award-service"}.get(args.get("service"))
        if not check(binary is not None, f"{where}: --service is not stats or award"):
            continue
        backed_up.add(binary)
        svc_name, grpc_port = backup_targets.get(binary, (None, None))
        check(svc_name is not None, f"{where}: {binary} runs without --backup_dir")
        check(args.get(BACKUP_TARGET_FLAG[binary]) == f"{svc_name}.{namespace}.svc:{grpc_port}",
              f"{where}: --{BACKUP_TARGET_FLAG[binary]} is not the {binary} Service")
        check("tls_ca" in args and "token_file" in args, f"{where}: no TLS or no token")
        check("limits" in c["resources"] and "requests" in c["resources"], f"{where}: resources need requests and limits")
        mounts = {}
        for m in c.get("volumeMounts", []):
            check(m["name"] in volumes, f"{where}: mount {m['name']} has no volume")
            mounts[m["mountPath"]] = m["name"]
        check_secret_files(where, args, mounts, volumes)
        if binary == "stats-service":
            labels = pod["metadata"].get("labels", {})
            check(any(f["podSelector"]["matchLabels"].items() <= labels.items()
                      for policy in by_kind.get("NetworkPolicy", {}).values()
                      for rule in policy["spec"]["ingress"] for f in rule.get("from", [])),
                  f"{where}: no NetworkPolicy lets it reach the statistics service")
check(backed_up == set(backup_targets), f"scheduled backups for {sorted(backed_up)}, services with --backup_dir {sorted(backup_targets)}")

# --- compose -------------------------------------------------------------------
compose_path = os.path.join(DEPLOY, "compose", "compose.yaml")
compose = load(compose_path)[0]
declared = set(compose.get("secrets", {}))
for name, svc in compose["services"].items():
    where = f"compose service {name}"
    images.add(svc["image"])
    args = check_command(where, svc["command"])
    if "build" in svc:
        check(os.path.exists(os.path.join(os.path.dirname(compose_path), svc["build"]["context"], svc["build"]["dockerfile"])),
              f"{where}: no Dockerfile at {svc['build']['dockerfile']}")
    published = [int(p.rsplit(":", 1)[1]) for p in svc.get("ports", [])]
    check(port(args["listen"]) in published, f"{where}: --listen port is not published")
    for s in svc.get("secrets", []):
        check(s in declared, f"{where}: secret {s} is not declared")
    for flag, value in args.items():
        if value.startswith("/run/secrets/"):
            check(value[len("/run/secrets/"):] in svc.get("secrets", []), f"{where}: --{flag} uses an undeclared secret")
    for v in svc.get("volumes", []):
        volume, path = v.split(":")[:2]
        check(volume in compose.get("volumes", {}), f"{where}: volume {volume} is not declared")
        check(path == args.get("data_dir") or args.get("backup_dir", "").startswith(path + "/"),
              f"{where}: volume {volume} is neither at --data_dir nor holds --backup_dir")
    mounted = [v.split(":")[1] for v in svc.get("volumes", [])]
    check(args.get("backup_dir") and any(args["backup_dir"].startswith(m + "/") or args["backup_dir"] == m for m in mounted),
          f"{where}: --backup_dir is not on a volume")
    if "stats_target" in args:
        host, p = args["stats_target"].rsplit(":", 1)
        check(host in compose["services"] and port(compose["services"][host]["command"][1]) == int(p),
              f"{where}: --stats_target does not name the stats service")

check(len(images) == 1, f"the manifests and compose name several images: {sorted(images)}")
check(os.path.exists(os.path.join(DEPLOY, "Dockerfile")), "no deploy/Dockerfile")

# --- metrics -----------------------------------------------------------------
# Every manifest serves metrics on a named port that its scrape annotations
# name; compose and systemd pass --metrics_listen; the scrape configs parse.
for name, sts in by_kind.get("StatefulSet", {}).items():
    where = f"StatefulSet {name}"
    annotations = sts["spec"]["template"]["metadata"].get("annotations", {})
    for c in sts["spec"]["template"]["spec"]["containers"]:
        args = parse_args(c["args"][1:])
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        check(port(args.get("metrics_listen", ":0")) == ports.get("metrics"),
              f"{where}: --metrics_listen does not match port metrics")
        check(annotations.get("prometheus.io/scrape") == "true", f"{where}: no prometheus.io/scrape annotation")
        check(annotations.get("prometheus.io/port") == str(ports.get("metrics")),
              f"{where}: prometheus.io/port is not the metrics port")
for name, svc in compose["services"].items():
    args = parse_args(svc["command"][1:])
    check("metrics_listen" in args, f"compose service {name}: no --metrics_listen")
    published = [p.rsplit(":", 1)[1] for p in svc.get("ports", [])]
    check(str(port(args.get("metrics_listen", ":0"))) in published, f"compose service {name}: metrics port not published")
for unit in ("imdi-stats.service", "imdi-award.service"):
    with open(os.path.join(DEPLOY, "systemd", unit)) as f:
        check("--metrics_listen=" in f.read(), f"{unit}: no --metrics_listen")
prom_dir = os.path.join(DEPLOY, "prometheus")
promtool = shutil.which("promtool")
for config in ("prometheus.yml", "prometheus-static.yml"):
    path = os.path.join(prom_dir, config)
    if not check(os.path.exists(path), f"no deploy/prometheus/{config}"):
        continue
    parsed = load(path)[0]
    check(parsed.get("scrape_configs"), f"{config}: no scrape_configs")
    if promtool:
        result = subprocess.run([promtool, "check", "config", path], capture_output=True, text=True)
        out = result.stdout + result.stderr
        # Debian's Prometheus is built without Kubernetes discovery; the
        # upstream build reads it.
        if "kubernetes_sd_configs not found" in out:
            print(f"promtool of this build has no Kubernetes discovery: {config} checked as YAML only")
        else:
            check(result.returncode == 0, f"promtool check config {config}: {out.strip()}")
if promtool:
    result = subprocess.run([promtool, "check", "rules", os.path.join(prom_dir, "rules.yml")],
                            capture_output=True, text=True)
    check(result.returncode == 0, f"promtool check rules: {(result.stdout + result.stderr).strip()}")
else:
    print("promtool not available: the Prometheus configuration checked as YAML only")

# --- configuration reference ---------------------------------------------------
with open(os.path.join(DEPLOY, "CONFIGURATION.md")) as f:
    reference = f.read()
for binary, flags in FLAGS.items():
    for flag in sorted(flags):
        check(f"`--{flag}`" in reference, f"CONFIGURATION.md does not list {binary} --{flag}")

# --- systemd -----------------------------------------------------------------
units = [os.path.join(DEPLOY, "systemd", u) for u in sorted(os.listdir(os.path.join(DEPLOY, "systemd")))]
unit_names = {os.path.basename(u) for u in units}
listen_ports = {}  # binary -> port of its unit's --listen
backup_calls = []  # (unit, imdictl args)
with tempfile.TemporaryDirectory() as tmp:
    copies = []
    for unit in units:
        with open(unit) as f:
            text = f.read()
        name = os.path.basename(unit)
        if name.endswith(".timer"):
            target = re.search(r"^Unit=(\S+)", text, re.M)
            check(target and target.group(1) in unit_names, f"{name}: Unit= names no unit in deploy/systemd")
            check(re.search(r"^OnCalendar=", text, re.M), f"{name}: no OnCalendar=")
        commands = list(re.finditer(r"ExecStart=(\S+)((?:.*\\\n)*.*)", text))
        check(commands or name.endswith(".timer"), f"{name}: no ExecStart")
        for command in commands:
            binary = os.path.basename(command.group(1))
            args = check_command(name, [binary] + command.group(2).replace("\\\n", " ").split())
            if binary in ("stats-service", "award-service"):
                listen_ports[binary] = port(args.get("listen", ":0"))
                check("backup_dir" in args and args["backup_dir"] in text.split("ReadWritePaths=")[-1].splitlines()[0],
                      f"{name}: --backup_dir missing or not writable (ReadWritePaths)")
            if binary == "imdictl":
                backup_calls.append((name, args))
        # Verified with the built binaries in place of the installed ones.
        copy = os.path.join(tmp, name)
        for command in commands:
            text = text.replace(command.group(1), BINARIES[os.path.basename(command.group(1))])
        with open(copy, "w") as f:
            f.write(text)
        copies.append(copy)
    for name, args in backup_calls:
        binary = {"stats": "stats-service", "award": "award-service"}.get(args.get("service"))
        flag = {"stats-service": "target", "award-service": "award_target"}.get(binary)
        check(binary in listen_ports and port(args.get(flag, ":0")) == listen_ports[binary],
              f"{name}: imdictl --{flag} is not the port {binary}'s unit listens on")
    check({a.get("service") for _, a in backup_calls} == {"stats", "award"}, "systemd: not both stores are backed up")
    if shutil.which("systemd-analyze"):
        result = subprocess.run(["systemd-analyze", "verify"] + copies, capture_output=True, text=True)
        noise = [l for l in (result.stdout + result.stderr).splitlines()
                 if l.strip() and "Failed to" not in l and "System has not been booted" not in l]
        check(result.returncode == 0 and not noise, "systemd-analyze verify: " + "; ".join(noise))
    else:
        print("systemd-analyze not available: units checked for flags only")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"deploy/ is consistent: {len(docs)} Kubernetes objects, {len(compose['services'])} compose services, "
      f"{len(units)} systemd units, {sum(len(f) for f in FLAGS.values())} flags in the reference")
