//! The deployment files say what operators rely on, and name only metrics the code exports.
//!
//! Parses every manifest in `deploy/k8s/`, the alert rules in `deploy/prometheus/alerts.yml` and the
//! dashboard in `deploy/grafana/talkwire-dashboard.json`; loads the ConfigMap's talkwire.toml and
//! feeds.toml with talkwire's own config loader; and checks that every metric a query names is one
//! talkwire exports — and that the source code under `src/` still names it, so that renaming a
//! metric breaks this test instead of a dashboard.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use serde_json::Value;

use talkwire::config::{self, SinkKind};

// ---- what talkwire exports ------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Counter,
    Gauge,
    /// metrics-exporter-prometheus renders histograms as summaries by default (`{quantile}`,
    /// `_sum`, `_count`), or as `_bucket` series when buckets are configured.
    Histogram,
}

/// Every metric talkwire exports: name, kind, labels.
const METRICS: &[(&str, Kind, &[&str])] = &[
    ("talkwire_stage_received_total", Kind::Counter, &["stage"]),
    ("talkwire_stage_emitted_total", Kind::Counter, &["stage"]),
    ("talkwire_articles_total", Kind::Counter, &["outcome"]),
    ("talkwire_polls_total", Kind::Counter, &["outcome"]),
    ("talkwire_fetch_responses_total", Kind::Counter, &["status"]),
    ("talkwire_records_delivered_total", Kind::Counter, &[]),
    ("talkwire_delivery_failures_total", Kind::Counter, &[]),
    ("talkwire_dead_letters_total", Kind::Counter, &["reason"]),
    ("talkwire_queue_depth", Kind::Gauge, &["stage"]),
    ("talkwire_sink_reachable", Kind::Gauge, &[]),
    ("talkwire_stage_seconds", Kind::Histogram, &["stage"]),
    ("talkwire_feed_lag_seconds", Kind::Histogram, &[]),
    ("talkwire_kafka_delivery_seconds", Kind::Histogram, &[]),
];

/// Label values a query may compare with, where the set is closed.
const LABEL_VALUES: &[(&str, &[&str])] = &[
    (
        "outcome",
        &[
            // talkwire_articles_total
            "published",
            "duplicate",
            "unchanged",
            "in_flight_copy",
            "off_topic",
            "unavailable",
            "fetch_retry",
            // talkwire_polls_total
            "ok",
            "not_modified",
            "error",
            "closed",
        ],
    ),
    ("stage", &["fetch", "extract", "normalize", "dedupe", "relevance", "entities", "quotes", "sink"]),
    // The exporter's default summary quantiles.
    ("quantile", &["0", "0.5", "0.9", "0.95", "0.99", "0.999", "1"]),
];

/// Labels the scrape adds (Prometheus, Kubernetes service discovery).
const TARGET_LABELS: &[&str] = &["instance", "job", "namespace", "pod", "container", "service", "node"];

fn metric(name: &str) -> Option<(Kind, &'static [&'static str])> {
    METRICS.iter().find(|(n, ..)| *n == name).map(|&(_, k, l)| (k, l))
}

/// The exported metric a series name belongs to (`talkwire_stage_seconds_count` → `talkwire_stage_seconds`).
fn base_metric(series: &str) -> Option<&'static str> {
    if let Some((name, ..)) = METRICS.iter().find(|(n, ..)| *n == series) {
        return Some(name);
    }
    ["_sum", "_count", "_bucket"].iter().find_map(|suffix| {
        let base = series.strip_suffix(suffix)?;
        METRICS.iter().find(|(n, k, _)| *n == base && *k == Kind::Histogram).map(|(n, ..)| *n)
    })
}

/// Labels a series of `name` can carry.
fn labels_of(series: &str) -> BTreeSet<&'static str> {
    let base = base_metric(series).expect("known metric");
    let (kind, labels) = metric(base).unwrap();
    let mut all: BTreeSet<&str> = labels.iter().copied().chain(TARGET_LABELS.iter().copied()).collect();
    if kind == Kind::Histogram {
        all.extend(["quantile", "le"]);
    }
    all
}

// ---- helpers -----------------------------------------------------------------------------------

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every document of a YAML file, as JSON values (empty documents left out).
fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = read(path);
    serde_norway::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).unwrap_or_else(|e| panic!("{}: invalid YAML: {e}", path.display())))
        .filter(|v| !v.is_null())
        .collect()
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("missing string at {pointer} in {v:#}"))
}

fn all_rust_sources() -> String {
    fn walk(dir: &Path, out: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&read(&path));
                out.push('\n');
            }
        }
    }
    let mut out = String::new();
    walk(&root().join("src"), &mut out);
    out
}

/// Every series name, label matcher and grouping label in a PromQL expression, checked against
/// [`METRICS`]. Returns the exported metrics the expression uses.
fn check_promql(expr: &str, context: &str) -> BTreeSet<&'static str> {
    let name_re = Regex::new(r"\btalkwire_[a-z0-9_]+").unwrap();
    let selector_re = Regex::new(r"\b(talkwire_[a-z0-9_]+)\s*\{([^}]*)\}").unwrap();
    let matcher_re = Regex::new(r#"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)""#).unwrap();
    let grouping_re = Regex::new(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)").unwrap();

    let mut used = BTreeSet::new();
    let mut possible_labels: BTreeSet<&str> = TARGET_LABELS.iter().copied().collect();
    for m in name_re.find_iter(expr) {
        let base = base_metric(m.as_str())
            .unwrap_or_else(|| panic!("{context}: `{}` is not a metric talkwire exports", m.as_str()));
        used.insert(base);
        possible_labels.extend(labels_of(m.as_str()));
    }
    assert!(!used.is_empty(), "{context}: the query names no talkwire metric: {expr}");

    for caps in selector_re.captures_iter(expr) {
        let series = caps.get(1).unwrap().as_str();
        let allowed = labels_of(series);
        for m in matcher_re.captures_iter(caps.get(2).unwrap().as_str()) {
            let (label, op, value) = (&m[1], &m[2], &m[3]);
            assert!(allowed.contains(label), "{context}: {series} has no label `{label}` (it has {allowed:?})");
            if let Some((_, known)) = LABEL_VALUES.iter().find(|(l, _)| *l == label) {
                // A literal, or a plain alternation of literals, must name values that exist.
                let alternatives: Vec<&str> = if op.ends_with('~') { value.split('|').collect() } else { vec![value] };
                for v in alternatives {
                    if v.starts_with('$') || (op.ends_with('~') && v.contains(['.', '*', '+', '[', '('])) {
                        continue; // a dashboard variable or a real regular expression
                    }
                    assert!(known.contains(&v), "{context}: {series}{{{label}}} is never `{v}` (values: {known:?})");
                }
            }
        }
    }
    for caps in grouping_re.captures_iter(expr) {
        for label in caps[1].split(',').map(str::trim).filter(|l| !l.is_empty()) {
            assert!(
                possible_labels.contains(label),
                "{context}: grouping by `{label}`, which none of the metrics in `{expr}` has"
            );
        }
    }
    used
}

// ---- Kubernetes ---------------------------------------------------------------------------------

struct Manifests {
    docs: Vec<(PathBuf, Value)>,
}

impl Manifests {
    fn load() -> Self {
        let dir = root().join("deploy/k8s");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        let mut docs = Vec::new();
        for file in files {
            for doc in yaml_documents(&file) {
                docs.push((file.clone(), doc));
            }
        }
        Self { docs }
    }

    fn of_kind(&self, kind: &str) -> Vec<&Value> {
        self.docs.iter().filter(|(_, d)| d["kind"] == kind).map(|(_, d)| d).collect()
    }

    fn one(&self, kind: &str) -> &Value {
        let found = self.of_kind(kind);
        assert_eq!(found.len(), 1, "expected exactly one {kind} in deploy/k8s/");
        found[0]
    }

    fn named(&self, kind: &str, name: &str) -> &Value {
        self.of_kind(kind)
            .into_iter()
            .find(|d| d["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("deploy/k8s/ has no {kind} named {name}"))
    }
}

fn container(deployment: &Value) -> &Value {
    let containers = deployment["spec"]["template"]["spec"]["containers"].as_array().expect("containers");
    containers.iter().find(|c| c["name"] == "talkwire").expect("a container named talkwire")
}

/// The container port a probe or Service port refers to (a number or a port name).
fn resolve_port(container: &Value, port: &Value) -> u64 {
    if let Some(n) = port.as_u64() {
        return n;
    }
    let name = port.as_str().expect("port is a number or a name");
    container["ports"]
        .as_array()
        .and_then(|ports| ports.iter().find(|p| p["name"] == name))
        .and_then(|p| p["containerPort"].as_u64())
        .unwrap_or_else(|| panic!("no container port named {name}"))
}

fn env_value<'a>(container: &'a Value, name: &str) -> &'a Value {
    container["env"]
        .as_array()
        .and_then(|env| env.iter().find(|e| e["name"] == name))
        .unwrap_or_else(|| panic!("the container sets no {name}"))
}

/// The volume mounted at `path`, and whether the mount is read-only.
fn volume_at<'a>(deployment: &'a Value, container: &Value, path: &str) -> (&'a Value, bool) {
    let mount = container["volumeMounts"]
        .as_array()
        .and_then(|mounts| mounts.iter().find(|m| m["mountPath"] == path))
        .unwrap_or_else(|| panic!("nothing is mounted at {path}"));
    let volume = deployment["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .and_then(|volumes| volumes.iter().find(|v| v["name"] == mount["name"]))
        .unwrap_or_else(|| panic!("the volume mounted at {path} is not defined"));
    (volume, mount["readOnly"].as_bool().unwrap_or(false))
}

/// The ConfigMap key a configMap volume mounted at `dir` shows as `dir/file`.
fn config_map_key_at<'a>(m: &'a Manifests, deployment: &Value, file_path: &str) -> (&'a Value, String) {
    let (dir, file) = file_path.rsplit_once('/').unwrap();
    let c = container(deployment);
    let (volume, read_only) = volume_at(deployment, c, dir);
    assert!(read_only, "{dir} should be mounted read-only");
    let name = volume["configMap"]["name"].as_str().unwrap_or_else(|| panic!("{dir} is not a ConfigMap volume"));
    let cm = m.named("ConfigMap", name);
    let key = match volume["configMap"]["items"].as_array() {
        Some(items) => items
            .iter()
            .find(|i| i["path"] == file)
            .map(|i| str_at(i, "/key").to_string())
            .unwrap_or_else(|| panic!("the volume at {dir} has no item {file}")),
        None => file.to_string(),
    };
    assert!(cm["data"][&key].is_string(), "ConfigMap {name} has no key {key}");
    (cm, key)
}

#[test]
fn manifests_parse_and_are_namespace_agnostic() {
    let m = Manifests::load();
    assert!(m.docs.len() >= 5, "expected the manifests in deploy/k8s/");
    for (file, doc) in &m.docs {
        let kind = doc["kind"].as_str().unwrap_or_else(|| panic!("{}: a document without kind", file.display()));
        assert!(doc["apiVersion"].is_string(), "{}: {kind} without apiVersion", file.display());
        if kind != "Kustomization" {
            assert!(doc["metadata"]["name"].is_string(), "{}: {kind} without a name", file.display());
            assert!(doc["metadata"]["namespace"].is_null(), "{}: {kind} names a namespace", file.display());
        }
    }
    // kustomization.yaml lists every other manifest, and only existing ones.
    let kustomization = m.one("Kustomization");
    let listed: BTreeSet<String> = kustomization["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let present: BTreeSet<String> = m
        .docs
        .iter()
        .filter(|(_, d)| d["kind"] != "Kustomization")
        .map(|(f, _)| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(listed, present, "kustomization.yaml resources vs the manifests in deploy/k8s/");
    assert!(kustomization["namespace"].is_null(), "the kustomization must not pin a namespace");
}

#[test]
fn deployment_is_probed_limited_non_root_and_keeps_state_on_the_volume() {
    let m = Manifests::load();
    let d = m.one("Deployment");
    let spec = &d["spec"];
    let pod = &spec["template"]["spec"];
    let c = container(d);

    assert_eq!(spec["replicas"], 1, "one writer of the state store");
    assert_eq!(spec["strategy"]["type"], "Recreate", "the state volume is ReadWriteOnce: no overlap");
    assert_eq!(c["image"], "talkwire:latest");
    let args: Vec<&str> = c["args"].as_array().expect("args").iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(
        args,
        ["run", "--config", "/etc/talkwire/config/talkwire.toml", "--state-dir", "/var/lib/talkwire/state"]
    );

    // Probes.
    let probe = |which: &str, path: &str| {
        let get = &c[which]["httpGet"];
        assert_eq!(get["path"], path, "{which} path");
        assert_eq!(resolve_port(c, &get["port"]), 9898, "{which} port");
    };
    probe("livenessProbe", "/health");
    probe("readinessProbe", "/ready");

    // Resources.
    for (section, key) in [("requests", "cpu"), ("requests", "memory"), ("limits", "cpu"), ("limits", "memory")] {
        assert!(!c["resources"][section][key].is_null(), "resources.{section}.{key} is not set");
    }

    // Non-root, read-only, no capabilities.
    let sc = &c["securityContext"];
    let pod_sc = &pod["securityContext"];
    assert!(sc["runAsNonRoot"] == true || pod_sc["runAsNonRoot"] == true, "runAsNonRoot");
    let uid = sc["runAsUser"].as_u64().or(pod_sc["runAsUser"].as_u64());
    assert!(uid.is_some_and(|u| u != 0), "a numeric, non-zero runAsUser (the image's USER is a name)");
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    let dropped: Vec<&Value> = sc["capabilities"]["drop"].as_array().expect("capabilities.drop").iter().collect();
    assert!(dropped.iter().any(|c| *c == "ALL"), "drop ALL capabilities");
    assert!(sc["capabilities"]["add"].is_null(), "no capabilities added");

    // State: the PVC at /var/lib/talkwire, writable; the --state-dir under it.
    let (state, read_only) = volume_at(d, c, "/var/lib/talkwire");
    assert!(!read_only, "/var/lib/talkwire must be writable");
    let claim = str_at(state, "/persistentVolumeClaim/claimName");
    let pvc = m.named("PersistentVolumeClaim", claim);
    let modes: Vec<&Value> = pvc["spec"]["accessModes"].as_array().expect("accessModes").iter().collect();
    assert!(modes.iter().any(|a| *a == "ReadWriteOnce"), "accessModes");
    assert!(pvc["spec"]["resources"]["requests"]["storage"].is_string(), "the PVC requests storage");
    assert!(args[4].starts_with("/var/lib/talkwire/"), "--state-dir is on the volume");

    // Environment: Kafka sink, brokers from a ConfigMap or Secret that exists, metrics on all interfaces.
    assert_eq!(env_value(c, "TALKWIRE_SINK__KIND")["value"], "kafka");
    let brokers = &env_value(c, "TALKWIRE_KAFKA__BROKERS")["valueFrom"];
    if let Some(r) = brokers.get("configMapKeyRef") {
        let cm = m.named("ConfigMap", str_at(r, "/name"));
        assert!(cm["data"][str_at(r, "/key")].is_string(), "the brokers key is missing from its ConfigMap");
    } else {
        assert!(brokers.get("secretKeyRef").is_some(), "TALKWIRE_KAFKA__BROKERS comes from a ConfigMap or Secret");
    }
    assert_eq!(env_value(c, "TALKWIRE_METRICS__LISTEN")["value"], "0.0.0.0:9898");

    // Drain: the grace period outlasts the drain bound.
    let grace = pod["terminationGracePeriodSeconds"].as_u64().expect("terminationGracePeriodSeconds");
    let (loaded, _dir) = load_configmap_config(&m);
    assert!(
        grace > loaded.config.run.drain_timeout_secs + 5,
        "terminationGracePeriodSeconds ({grace}) must exceed run.drain_timeout_secs ({}) with room to exit",
        loaded.config.run.drain_timeout_secs
    );

    // Prometheus scrape annotations point at the metrics port.
    let annotations = &spec["template"]["metadata"]["annotations"];
    assert_eq!(annotations["prometheus.io/scrape"], "true");
    assert_eq!(annotations["prometheus.io/port"], "9898");
    assert_eq!(annotations["prometheus.io/path"], "/metrics");
}

#[test]
fn service_selects_the_pod_and_exposes_the_metrics_port() {
    let m = Manifests::load();
    let d = m.one("Deployment");
    let c = container(d);
    let svc = m.one("Service");
    let pod_labels = d["spec"]["template"]["metadata"]["labels"].as_object().expect("pod labels");
    let selector = svc["spec"]["selector"].as_object().expect("selector");
    assert!(!selector.is_empty());
    for (k, v) in selector {
        assert_eq!(pod_labels.get(k), Some(v), "Service selector {k} does not match the pod");
    }
    let match_labels = d["spec"]["selector"]["matchLabels"].as_object().expect("matchLabels");
    for (k, v) in match_labels {
        assert_eq!(pod_labels.get(k), Some(v), "Deployment selector {k} does not match its pods");
    }
    let ports = svc["spec"]["ports"].as_array().expect("ports");
    assert!(ports.iter().any(|p| resolve_port(c, &p["targetPort"]) == 9898), "the Service reaches port 9898");
}

/// Write the ConfigMap's talkwire.toml and feeds.toml where the Deployment mounts them (under a
/// temporary root) and load them as talkwire would, with the Deployment's environment.
fn load_configmap_config(m: &Manifests) -> (config::Loaded, tempfile::TempDir) {
    let d = m.one("Deployment");
    let c = container(d);
    let dir = tempfile::tempdir().unwrap();
    let place = |mounted: &str| {
        let (cm, key) = config_map_key_at(m, d, mounted);
        let path = dir.path().join(mounted.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, str_at(cm, &format!("/data/{}", key.replace('~', "~0").replace('/', "~1")))).unwrap();
        path
    };
    let config_path = place("/etc/talkwire/config/talkwire.toml");
    place("/etc/talkwire/seeds/feeds.toml");

    // The Deployment's environment, with values from ConfigMaps resolved.
    let mut env = Vec::new();
    for e in c["env"].as_array().expect("env") {
        let name = str_at(e, "/name").to_string();
        if let Some(v) = e["value"].as_str() {
            env.push((name, v.to_string()));
        } else if let Some(r) = e["valueFrom"].get("configMapKeyRef") {
            let cm = m.named("ConfigMap", str_at(r, "/name"));
            env.push((name, str_at(cm, &format!("/data/{}", str_at(r, "/key"))).to_string()));
        }
    }
    let loaded = config::load(Some(&config_path), env, config::Seeds::Read)
        .unwrap_or_else(|e| panic!("the ConfigMap's configuration does not load:\n{e}"));
    (loaded, dir)
}

#[test]
fn configmap_config_loads_with_talkwires_own_loader() {
    let m = Manifests::load();
    let (loaded, dir) = load_configmap_config(&m);
    assert!(!loaded.sources.is_empty(), "feeds.toml lists no source");
    assert_eq!(
        loaded.config.sources.seeds_file,
        dir.path().join("etc/talkwire/config/../seeds/feeds.toml"),
        "seeds_file resolves to the mounted feeds.toml"
    );
    assert_eq!(loaded.config.sink.kind, SinkKind::Kafka);
    assert_eq!(loaded.config.metrics.listen, "0.0.0.0:9898");
    assert!(!loaded.config.run.allow_private, "production must not reach private addresses");
    assert!(loaded.config.http.respect_robots, "production obeys robots.txt");
}

// ---- Prometheus -----------------------------------------------------------------------------

const REQUIRED_ALERTS: &[&str] = &[
    "TalkwireBrokerUnreachable",
    "TalkwireDeliveryFailures",
    "TalkwireAllPollsFailing",
    "TalkwireFeedLagHigh",
    "TalkwireQueueSaturated",
    "TalkwireDeadLetters",
];

fn alert_rules() -> Vec<Value> {
    let path = root().join("deploy/prometheus/alerts.yml");
    let docs = yaml_documents(&path);
    assert_eq!(docs.len(), 1, "alerts.yml is one document");
    let groups = docs[0]["groups"].as_array().expect("groups");
    groups.iter().flat_map(|g| g["rules"].as_array().expect("rules").iter().cloned()).collect()
}

/// GitHub's anchor for a Markdown heading.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn alert_rules_parse_name_real_metrics_and_have_runbook_sections() {
    let rules = alert_rules();
    let runbook = read(&root().join("docs/runbook.md"));
    let anchors: BTreeSet<String> =
        runbook.lines().filter_map(|l| l.strip_prefix('#')).map(|h| slug(h.trim_start_matches('#'))).collect();
    let duration = Regex::new(r"^([0-9]+(ms|s|m|h|d|w|y))+$").unwrap();

    let mut names = BTreeSet::new();
    for rule in &rules {
        let name = str_at(rule, "/alert");
        assert!(names.insert(name.to_string()), "alert {name} is defined twice");
        check_promql(str_at(rule, "/expr"), &format!("alert {name}"));
        if let Some(f) = rule["for"].as_str() {
            assert!(duration.is_match(f), "alert {name}: `for: {f}` is not a duration");
        }
        let severity = str_at(rule, "/labels/severity");
        assert!(["critical", "warning", "info"].contains(&severity), "alert {name}: severity {severity}");
        assert!(!str_at(rule, "/annotations/summary").is_empty());
        let url = str_at(rule, "/annotations/runbook_url");
        let anchor = url.split_once('#').map(|(_, a)| a).unwrap_or_else(|| panic!("{url}: no #section"));
        assert!(url.starts_with("docs/runbook.md#"), "alert {name}: runbook_url {url}");
        assert!(anchors.contains(anchor), "alert {name}: docs/runbook.md has no section #{anchor}");
    }
    for required in REQUIRED_ALERTS {
        assert!(names.contains(*required), "alerts.yml lacks {required}");
    }
}

// ---- Grafana --------------------------------------------------------------------------------

fn dashboard() -> Value {
    let path = root().join("deploy/grafana/talkwire-dashboard.json");
    serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()))
}

fn all_panels(d: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in d["panels"].as_array().expect("panels") {
        out.push(p);
        if let Some(inner) = p["panels"].as_array() {
            out.extend(inner.iter());
        }
    }
    out
}

#[test]
fn dashboard_parses_and_queries_only_real_metrics() {
    let d = dashboard();
    assert!(d["uid"].is_string() && d["title"].is_string());
    assert!(d["schemaVersion"].as_u64().is_some_and(|v| v >= 30), "a current dashboard schema");
    let panels = all_panels(&d);
    let mut ids = BTreeSet::new();
    let mut titles = Vec::new();
    let mut used = BTreeSet::new();
    for p in &panels {
        let id = p["id"].as_u64().expect("panel id");
        assert!(ids.insert(id), "panel id {id} is used twice");
        for key in ["x", "y", "w", "h"] {
            assert!(p["gridPos"][key].is_u64(), "panel {id}: gridPos.{key}");
        }
        let x_end = p["gridPos"]["x"].as_u64().unwrap() + p["gridPos"]["w"].as_u64().unwrap();
        assert!(x_end <= 24, "panel {id} is wider than the grid");
        let title = str_at(p, "/title");
        titles.push(title.to_lowercase());
        if p["type"] == "row" {
            continue;
        }
        let targets = p["targets"].as_array().unwrap_or_else(|| panic!("panel `{title}` has no queries"));
        assert!(!targets.is_empty(), "panel `{title}` has no queries");
        for t in targets {
            used.extend(check_promql(str_at(t, "/expr"), &format!("panel `{title}`")));
        }
    }
    // The template variable that picks instances reads a real metric, too.
    for v in d["templating"]["list"].as_array().expect("templating") {
        if let Some(q) = v["definition"].as_str().filter(|q| q.contains("talkwire_")) {
            check_promql(q, &format!("variable {}", v["name"]));
        }
    }
    // Every exported metric is on the dashboard.
    for (name, ..) in METRICS {
        assert!(used.contains(name), "no panel shows {name}");
    }
    // The panels operators look for.
    for wanted in [
        "throughput per stage",
        "outcome",
        "queue depth",
        "stage latency",
        "fetch responses",
        "polls",
        "feed lag",
        "kafka delivery latency",
        "failures",
        "reachable",
        "dead letters",
    ] {
        assert!(titles.iter().any(|t| t.contains(wanted)), "no panel titled like `{wanted}`");
    }
}

// ---- the code still exports them ------------------------------------------------------------------

#[test]
fn every_metric_the_deploy_files_rely_on_is_in_the_source_code() {
    let code = all_rust_sources();
    let missing: Vec<&str> = METRICS.iter().map(|(n, ..)| *n).filter(|n| !code.contains(&format!("\"{n}\""))).collect();
    assert!(missing.is_empty(), "metrics no longer in src/ (renamed?): {missing:?}");
    let mut missing_values = BTreeMap::new();
    for (label, values) in LABEL_VALUES.iter().filter(|(l, _)| *l != "quantile") {
        for v in *values {
            if !code.contains(&format!("\"{v}\"")) {
                missing_values.entry(*label).or_insert_with(Vec::new).push(*v);
            }
        }
    }
    assert!(missing_values.is_empty(), "label values no longer in src/: {missing_values:?}");
}
