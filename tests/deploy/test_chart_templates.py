"""Template unit tests in the style of helm-unittest: given values, the chart renders these objects.

Rendered by the real helm 4 binary (tests/deploy/chart.py); helm 3 is held to the same output by
test_chart_tools.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from undercurrent.config import Settings

from .chart import CHART, REQUIRED, Manifests, RenderError, render

DEFAULT = CHART / "ci" / "default-values.yaml"
FULL = CHART / "ci" / "full-values.yaml"
AUTOSCALING = CHART / "ci" / "autoscaling-values.yaml"
ON = {"judge": {"enabled": True, "apiKey": {"existingSecret": "key"}},
      "web": {"enabled": True, "token": {"existingSecret": "token"}}}
LONG_RELEASE = "r" * 53  # the longest release name helm accepts


@pytest.fixture(scope="module")
def helm(helm4: Path) -> Path:
    return helm4


def pod_spec(rendered: Manifests, deployment: str) -> dict:
    return rendered.get("Deployment", deployment)["spec"]["template"]["spec"]


# --- names (defect: fullnames were cut to 63 characters before the suffix was added) -------------

def test_every_name_fits_a_dns_label_and_keeps_its_suffix_for_the_longest_release(helm: Path) -> None:
    rendered = render(helm, FULL, values={"tests": {"enabled": True}}, release=LONG_RELEASE)
    for obj in rendered.objects:
        assert len(obj["metadata"]["name"]) <= 63, obj["metadata"]["name"]
    for suffix in ("worker", "judge", "web"):
        assert any(n.endswith(f"-{suffix}") for n in rendered.names("Deployment")), suffix
    fullname = f"{LONG_RELEASE}-undercurrent"[:63]
    assert rendered.names("Service") == [f"{fullname[:55]}-metrics", f"{fullname[:59]}-web"]
    for kind in {o["kind"] for o in rendered.objects}:
        names = rendered.names(kind)
        assert len(names) == len(set(names)), kind


def test_short_release_names_are_kept_whole(helm: Path) -> None:
    rendered = render(helm, DEFAULT, release="prod")
    assert rendered.names("Deployment") == ["prod-undercurrent-worker"]
    assert "prod-undercurrent-metrics" in rendered.names("Service")


# --- ServiceMonitor (defect: every release was relabelled to job="undercurrent") ----------------

def job_of(rendered: Manifests) -> str:
    (monitor,) = rendered.of_kind("ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    (job,) = [r["replacement"] for r in endpoint["relabelings"] if r.get("targetLabel") == "job"]
    return job


def test_each_release_scrapes_under_its_own_job(helm: Path) -> None:
    values = {"metrics": {"serviceMonitor": {"enabled": True}}}
    prod = render(helm, DEFAULT, values=values, release="prod")
    staging = render(helm, DEFAULT, values=values, release="staging")
    assert (job_of(prod), job_of(staging)) == ("prod-undercurrent", "staging-undercurrent")
    custom = {"metrics": {"serviceMonitor": {"enabled": True, "jobName": "undercurrent-eu"}}}
    assert job_of(render(helm, DEFAULT, values=custom)) == "undercurrent-eu"


def test_service_monitor_options(helm: Path) -> None:
    rendered = render(helm, AUTOSCALING, release="uc")
    (monitor,) = rendered.of_kind("ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert monitor["spec"]["namespaceSelector"] == {"any": True}
    assert (endpoint["interval"], endpoint["scrapeTimeout"]) == ("30s", "10s")
    assert endpoint["metricRelabelings"] == [
        {"sourceLabels": ["__name__"], "regex": "python_gc_.*", "action": "drop"}
    ]
    default = render(helm, DEFAULT, values={"metrics": {"serviceMonitor": {"enabled": True}}}, namespace="obs")
    (monitor,) = default.of_kind("ServiceMonitor")
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["obs"]}
    assert "scrapeTimeout" not in monitor["spec"]["endpoints"][0]


def test_operator_resources_need_their_crds(helm: Path) -> None:
    """Without the CRDs in the cluster (Capabilities) the chart skips them instead of failing the install."""
    values = {"metrics": {"serviceMonitor": {"enabled": True}}, "prometheusRule": {"enabled": True},
              "worker": {"autoscaling": {"enabled": True}}}
    bare = render(helm, DEFAULT, values=values, api_versions=())
    assert not bare.of_kind("ServiceMonitor") and not bare.of_kind("PrometheusRule")
    assert not bare.of_kind("ScaledObject")
    assert bare.get("Deployment", "uc-undercurrent-worker")["spec"]["replicas"] == 2
    with_crds = render(helm, DEFAULT, values=values)
    assert with_crds.of_kind("ServiceMonitor") and with_crds.of_kind("PrometheusRule")


def test_one_prometheus_rule_per_committed_rule_file(helm: Path) -> None:
    rendered = render(helm, DEFAULT, values={"prometheusRule": {"enabled": True, "labels": {"release": "kps"}}})
    files = sorted(p.stem.replace("_", "-") for p in (CHART / "files" / "prometheus-rules").glob("*.yml"))
    assert sorted(n.removeprefix("uc-undercurrent-") for n in rendered.names("PrometheusRule")) == files
    assert all(r["metadata"]["labels"]["release"] == "kps" for r in rendered.of_kind("PrometheusRule"))


# --- probes --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("deployment", "port", "ready_path"), [
    ("uc-undercurrent-worker", "metrics", "/readyz"),
    ("uc-undercurrent-judge", "metrics", "/readyz"),
    ("uc-undercurrent-web", "http", "/healthz"),
])
def test_probes_point_at_the_health_endpoints(helm: Path, deployment: str, port: str, ready_path: str) -> None:
    container = render(helm, DEFAULT, values=ON).container(deployment)
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": port}
    assert container["readinessProbe"]["httpGet"] == {"path": ready_path, "port": port}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
    assert container["startupProbe"]["failureThreshold"] * container["startupProbe"]["periodSeconds"] >= 120


def test_probe_timing_is_configurable_and_a_probe_can_be_turned_off(helm: Path) -> None:
    values = {"worker": {"livenessProbe": {"periodSeconds": 30, "failureThreshold": 2},
                         "startupProbe": {"enabled": False}}}
    container = render(helm, DEFAULT, values=values).container("uc-undercurrent-worker")
    assert container["livenessProbe"] == {"httpGet": {"path": "/healthz", "port": "metrics"},
                                          "periodSeconds": 30, "failureThreshold": 2, "timeoutSeconds": 3}
    assert "startupProbe" not in container


# --- scheduling, disruption, rollout ---------------------------------------------------------------

def test_every_role_has_default_resources_a_disruption_budget_and_a_soft_spread(helm: Path) -> None:
    rendered = render(helm, DEFAULT, values=ON)
    for role in ("worker", "judge", "web"):
        name = f"uc-undercurrent-{role}"
        resources = rendered.container(name)["resources"]
        assert set(resources["requests"]) == {"cpu", "memory"} and set(resources["limits"]) == {"memory"}
        if role == "worker":  # the worker and its close process (docs/deploy.md, Capacity)
            assert resources == {"requests": {"cpu": "500m", "memory": "640Mi"}, "limits": {"memory": "1280Mi"}}
        budget = rendered.get("PodDisruptionBudget", name)["spec"]
        assert budget["maxUnavailable"] == 1
        assert budget["selector"]["matchLabels"]["app.kubernetes.io/component"] == role
        spread = pod_spec(rendered, name)["topologySpreadConstraints"]
        assert [(c["topologyKey"], c["whenUnsatisfiable"]) for c in spread] == [
            ("kubernetes.io/hostname", "ScheduleAnyway"), ("topology.kubernetes.io/zone", "ScheduleAnyway")]
        assert all(c["labelSelector"]["matchLabels"] == budget["selector"]["matchLabels"] for c in spread)
        strategy = rendered.get("Deployment", name)["spec"]["strategy"]
        assert strategy == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}


def test_grace_periods_leave_time_to_finish(helm: Path) -> None:
    rendered = render(helm, DEFAULT, values=ON)
    grace = {role: pod_spec(rendered, f"uc-undercurrent-{role}")["terminationGracePeriodSeconds"]
             for role in ("worker", "judge")}
    # the judge may be waiting on a Messages API call (timeout 60 s by default)
    assert grace["worker"] >= 30 and grace["judge"] > 60


def test_pod_options_from_values(helm: Path) -> None:
    rendered = render(helm, AUTOSCALING)
    worker, judge = pod_spec(rendered, "uc-undercurrent-worker"), pod_spec(rendered, "uc-undercurrent-judge")
    labels = rendered.get("Deployment", "uc-undercurrent-worker")["spec"]["template"]["metadata"]["labels"]
    assert labels["team"] == "llm-platform" and labels["tier"] == "ingest"
    assert (worker["priorityClassName"], judge["priorityClassName"]) == ("monitoring", "batch")
    assert worker["tolerations"][0]["key"] == "dedicated"
    assert "nodeAffinity" in worker["affinity"]
    container = worker["containers"][0]
    assert {"secretRef": {"name": "undercurrent-extra"}} in container["envFrom"]
    assert {"name": "ca-bundle", "mountPath": "/etc/ssl/corporate", "readOnly": True} in container["volumeMounts"]
    assert {"name": "ca-bundle", "configMap": {"name": "corporate-ca"}} in worker["volumes"]
    assert container["image"].endswith("undercurrent:0.1.0@sha256:" + "0123456789abcdef" * 4)
    assert rendered.get("PodDisruptionBudget", "uc-undercurrent-judge")["spec"] == {
        "minAvailable": 1,
        "selector": {"matchLabels": {"app.kubernetes.io/name": "undercurrent", "app.kubernetes.io/instance": "uc",
                                     "app.kubernetes.io/component": "judge"}}}


def test_evaluation_export_is_off_by_default_and_its_headers_come_from_a_secret(helm: Path) -> None:
    def judge_env(rendered: Manifests) -> dict[str, dict]:
        return {e["name"]: e for e in pod_spec(rendered, "uc-undercurrent-judge")["containers"][0].get("env", [])}

    off = render(helm, DEFAULT, values=ON)
    assert not any(k.startswith("UNDERCURRENT_EVALUATION_EXPORT") for k in
                   [*off.get("ConfigMap", "uc-undercurrent")["data"], *judge_env(off)])
    export = {"endpoint": "http://otel-collector:4318/v1/logs", "headers": {"existingSecret": "otlp-auth"}}
    on = render(helm, DEFAULT, values={**ON, "judge": {**ON["judge"], "evaluationExport": export}})
    config = on.get("ConfigMap", "uc-undercurrent")["data"]
    assert config["UNDERCURRENT_EVALUATION_EXPORT__ENDPOINT"] == export["endpoint"]
    assert judge_env(on)["UNDERCURRENT_EVALUATION_EXPORT__HEADERS"]["valueFrom"] == {
        "secretKeyRef": {"name": "otlp-auth", "key": "otlp-headers"}}


def test_the_judge_mode_and_its_batch_settings_reach_the_workers(helm: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interactive = render(helm, DEFAULT, values=ON).get("ConfigMap", "uc-undercurrent")["data"]
    assert interactive["UNDERCURRENT_JUDGE__MODE"] == "interactive"
    assert not any(k.startswith("UNDERCURRENT_JUDGE__BATCH") for k in interactive)
    batch = {"mode": "batch", "batch": {"maxSessions": 200, "maxAgeSeconds": 600}}
    config = render(helm, DEFAULT, values={**ON, "judge": {**ON["judge"], **batch}}).get(
        "ConfigMap", "uc-undercurrent")["data"]
    assert (config["UNDERCURRENT_JUDGE__MODE"], config["UNDERCURRENT_JUDGE__BATCH_MAX_SESSIONS"],
            config["UNDERCURRENT_JUDGE__BATCH_MAX_AGE_S"]) == ("batch", "200", "600")
    for name, value in config.items():  # the names are the ones the workers read
        if name.startswith("UNDERCURRENT_JUDGE__"):
            monkeypatch.setenv(name, value)
    judge = Settings(_env_file=None).judge  # type: ignore[call-arg]
    assert (judge.mode, judge.batch_max_sessions, judge.batch_max_age_s) == ("batch", 200, 600.0)


def test_a_changed_config_rolls_the_pods(helm: Path) -> None:
    def checksum(features: list[str]) -> str:
        rendered = render(helm, DEFAULT, values={"config": {"features": features}})
        return rendered.get("Deployment", "uc-undercurrent-worker")["spec"]["template"]["metadata"]["annotations"][
            "checksum/config"]

    assert checksum(["chat"]) != checksum(["chat", "search"])


# --- autoscaling on consumer lag --------------------------------------------------------------------

def test_keda_scales_each_worker_kind_on_its_consumer_group_within_the_partitions(helm: Path) -> None:
    rendered = render(helm, AUTOSCALING)
    worker = rendered.get("ScaledObject", "uc-undercurrent-worker")["spec"]
    judge = rendered.get("ScaledObject", "uc-undercurrent-judge")["spec"]
    assert worker["scaleTargetRef"] == {"name": "uc-undercurrent-worker"}
    assert (worker["minReplicaCount"], worker["maxReplicaCount"]) == (2, 8)
    (trigger,) = worker["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"] == {
        "bootstrapServers": "kafka-0.kafka:9092,kafka-1.kafka:9092", "consumerGroup": "undercurrent",
        "lagThreshold": "5000", "offsetResetPolicy": "earliest", "allowIdleConsumers": "false",
        "sasl": "scram_sha256",
    }
    assert trigger["authenticationRef"] == {"name": "uc-undercurrent-kafka"}
    assert judge["triggers"][0]["metadata"]["consumerGroup"] == "undercurrent-judge"
    assert "replicas" not in rendered.get("Deployment", "uc-undercurrent-worker")["spec"]
    auth = rendered.get("TriggerAuthentication", "uc-undercurrent-kafka")["spec"]["secretTargetRef"]
    assert [(a["parameter"], a["name"], a["key"]) for a in auth] == [
        ("username", "undercurrent-kafka-sasl", "username"), ("password", "undercurrent-kafka-sasl", "password")]


def test_keda_over_tls_passes_the_ca_and_client_certificate(helm: Path) -> None:
    rendered = render(helm, FULL, values={"worker": {"autoscaling": {"enabled": True, "maxReplicas": 12}}})
    (trigger,) = rendered.get("ScaledObject", "uc-undercurrent-worker")["spec"]["triggers"]
    assert (trigger["metadata"]["sasl"], trigger["metadata"]["tls"]) == ("scram_sha512", "enable")
    auth = rendered.get("TriggerAuthentication", "uc-undercurrent-kafka")["spec"]["secretTargetRef"]
    assert [a["parameter"] for a in auth] == ["username", "password", "ca", "cert", "key"]


def test_autoscaling_beyond_the_partitions_is_refused(helm: Path) -> None:
    with pytest.raises(RenderError, match=r"worker.autoscaling.maxReplicas \(9\) exceeds kafka.partitions \(8\)"):
        render(helm, AUTOSCALING, values={"worker": {"autoscaling": {"maxReplicas": 9}}})


# --- network policy ---------------------------------------------------------------------------------

def test_network_policy_admits_only_the_service_ports_by_default(helm: Path) -> None:
    policy = render(helm, DEFAULT, values=ON).get("NetworkPolicy", "uc-undercurrent")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "undercurrent",
                                                    "app.kubernetes.io/instance": "uc"}
    assert [r.get("ports") for r in policy["ingress"]] == [
        [{"port": "metrics", "protocol": "TCP"}], [{"port": "http", "protocol": "TCP"}], None]
    assert policy["egress"] == [{}]


def test_network_policy_can_restrict_scrapers_and_egress(helm: Path) -> None:
    policy = render(helm, AUTOSCALING).get("NetworkPolicy", "uc-undercurrent")["spec"]
    metrics_rule = policy["ingress"][0]
    monitoring = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    assert metrics_rule["from"] == [monitoring]
    assert policy["egress"][0]["ports"] == [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]
    assert len(policy["egress"]) == 3


def test_network_policy_can_be_turned_off(helm: Path) -> None:
    assert not render(helm, DEFAULT, values={"networkPolicy": {"enabled": False}}).of_kind("NetworkPolicy")


# --- helm test --------------------------------------------------------------------------------------

def test_helm_test_pod_checks_every_worker_and_the_evidence_view(helm: Path) -> None:
    pod = render(helm, DEFAULT, values=ON).get("Pod", "uc-undercurrent-test")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    (container,) = pod["spec"]["containers"]
    assert container["command"] == ["python", "-c"]
    assert container["args"][1:] == ["uc-undercurrent-metrics", "9464", "http://uc-undercurrent-web:8088/healthz"]
    assert "/readyz" in container["args"][0]
    compile(container["args"][0], "helm-test", "exec")


# --- values schema: typos in free-form Kubernetes blocks are refused --------------------------------

@pytest.mark.parametrize("override", [
    {"worker": {"resources": {"request": {"cpu": "1"}}}},
    {"worker": {"resources": {"limits": {"memory": "lots"}}}},
    {"judge": {"affinity": {"nodeAfinity": {}}}},
    {"web": {"tolerations": [{"key": "a", "operater": "Exists"}]}},
    {"worker": {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfied": "X"}]}},
    {"worker": {"podDisruptionBudget": {"maxUnavailabe": 1}}},
    {"worker": {"readinessProbe": {"path": "/other"}}},
    {"metrics": {"serviceMonitor": {"scrapeTimeout": "ten seconds"}}},
], ids=["resources-request", "memory-quantity", "affinity-typo", "toleration-typo", "spread-typo", "pdb-typo",
        "probe-path", "scrape-timeout"])
def test_schema_refuses_typos(helm: Path, override: dict) -> None:
    with pytest.raises(RenderError, match="schema"):
        render(helm, DEFAULT, values=override)


def test_required_values_are_named_when_missing(helm: Path) -> None:
    with pytest.raises(RenderError, match="kafka.bootstrap is required"):
        render(helm, values={"redis": REQUIRED["redis"]})
