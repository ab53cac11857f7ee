"""Static checks of the Dockerfile, docker-compose.yml and the Helm chart.

Neither Docker nor Helm runs here: these tests check structure, the files the artefacts
reference, and that every environment variable they set is one the service reads.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import re
from pathlib import Path

import jsonschema
import pytest
import typer.main
import yaml
from pydantic import BaseModel

from undercurrent.cli.main import app as cli_app
from undercurrent.config import Settings
from undercurrent.metrics.labels import UNKNOWN_DOMAIN
from undercurrent.vocabulary import VERTICALS

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "undercurrent"
RULES = ROOT / "deploy" / "prometheus" / "rules"
UNDERCURRENT_SERVICES = ("worker", "web")
SDK_ENV = frozenset({"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"})


def _settings_env(model: type[BaseModel], prefix: str) -> set[str]:
    names = set()
    for field, info in model.model_fields.items():
        name = f"{prefix}{field.upper()}"
        names.add(name)
        if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            names |= _settings_env(info.annotation, f"{name}__")
    return names


def _cli_env() -> set[str]:
    command = typer.main.get_command(cli_app)
    return {
        envvar
        for sub in command.commands.values()
        for param in sub.params
        for envvar in ([param.envvar] if isinstance(param.envvar, str) else param.envvar or [])
    }


SETTINGS_ENV = frozenset(_settings_env(Settings, "UNDERCURRENT_"))
KNOWN_ENV = SETTINGS_ENV | _cli_env() | SDK_ENV
CLI_COMMANDS = frozenset(typer.main.get_command(cli_app).commands)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _deep_merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_settings_env_names_include_nested_fields():
    assert {"UNDERCURRENT_REDIS_URL", "UNDERCURRENT_KAFKA__SASL_PASSWORD"} <= SETTINGS_ENV
    assert "UNDERCURRENT_KAFKA__NO_SUCH_FIELD" not in SETTINGS_ENV


# --- Dockerfile ----------------------------------------------------------------------------------

DOCKERFILE = (ROOT / "Dockerfile").read_text()
DOCKERIGNORE = [
    line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and line[0] != "#"
]


def _instructions(keyword: str) -> list[str]:
    logical = re.sub(r"\\\n\s*", " ", DOCKERFILE)  # continuation lines joined
    return [line.split(None, 1)[1] for line in logical.splitlines() if line.startswith(f"{keyword} ")]


ARGS = dict(re.findall(r"^ARG (\w+)=(\S+)$", DOCKERFILE, flags=re.MULTILINE))
LOCKS = sorted(p.stem for p in (ROOT / "requirements").glob("*.txt"))


def test_dockerfile_builds_every_stage_from_the_slim_python_311_base():
    assert ARGS["BASE_IMAGE"].startswith("python:3.11-slim")
    assert all(base.split()[0] == "${BASE_IMAGE}" for base in _instructions("FROM"))


def test_dockerfile_runs_as_non_root_user():
    user = _instructions("USER")[-1]
    assert user.split(":")[0] not in {"root", "0"}


def test_dockerfile_installs_only_hash_locked_requirements_and_enters_the_cli():
    runs = " ".join(_instructions("RUN"))
    assert "--require-hashes --no-deps -r requirements.txt" in runs
    assert "--no-deps --no-build-isolation ." in runs
    assert ARGS["REQUIREMENTS"] == "runtime"
    assert {"runtime", "replay"} <= set(LOCKS)
    assert json.loads(_instructions("ENTRYPOINT")[-1]) == ["undercurrent"]


@pytest.mark.parametrize("lock", LOCKS)
def test_dockerfile_copies_only_files_the_context_keeps(lock):
    local_copies = [args for args in _instructions("COPY") if not args.startswith("--from")]
    sources = [src.replace("${REQUIREMENTS}", lock) for args in local_copies for src in args.split()[:-1]]
    assert sources
    for src in sources:
        assert (ROOT / src).exists(), src
        assert not any(fnmatch.fnmatch(src, pattern) for pattern in DOCKERIGNORE), src


def test_dockerignore_keeps_local_state_out_of_the_context():
    assert {".git", ".venv", "*-data", "var"} <= set(DOCKERIGNORE)


# --- docker-compose.yml --------------------------------------------------------------------------

COMPOSE = _load(ROOT / "docker-compose.yml")
SERVICES = COMPOSE["services"]
_INTERPOLATION = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def _interpolate(value: str, env: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if name in env:
            return env[name]
        if kind == "?":
            raise KeyError(name)
        return rest or ""

    return _INTERPOLATION.sub(replace, value)


def test_compose_every_service_has_an_image_or_a_build():
    for name, service in SERVICES.items():
        assert "image" in service or "build" in service, name


def test_compose_build_context_has_the_dockerfile():
    for service in SERVICES.values():
        if "build" in service:
            assert (ROOT / service["build"]["context"] / "Dockerfile").is_file()


def test_compose_bind_mounts_exist():
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"


JUDGE_SERVICE = _load(ROOT / "docker-compose.judge.yml")["services"]["judge-worker"]


def test_compose_undercurrent_services_run_real_commands():
    for service in (*(SERVICES[name] for name in UNDERCURRENT_SERVICES), JUDGE_SERVICE):
        assert service["command"][0] in CLI_COMMANDS


def test_compose_sets_only_known_environment_variables():
    for service in (*(SERVICES[name] for name in UNDERCURRENT_SERVICES), JUDGE_SERVICE):
        assert set(service["environment"]) <= KNOWN_ENV


def test_compose_environment_parses_into_settings(monkeypatch):
    env = {k: _interpolate(str(v), {}) for k, v in SERVICES["worker"]["environment"].items()}
    settings = _settings_from(env, monkeypatch)
    assert settings.kafka.bootstrap == "kafka:9092"
    assert settings.labels.features == ["chat"]
    assert settings.metrics_host == "0.0.0.0"


def test_compose_web_requires_a_token_from_the_environment():
    token = SERVICES["web"]["environment"]["UNDERCURRENT_WEB_TOKEN"]
    with pytest.raises(KeyError):
        _interpolate(token, {})
    assert _interpolate(token, {"UNDERCURRENT_WEB_TOKEN": "t" * 24}) == "t" * 24


def test_compose_grafana_mounts_provisioning_and_dashboards():
    volumes = {v.split(":")[1]: v.split(":")[0] for v in SERVICES["grafana"]["volumes"]}
    provider = _load(ROOT / "deploy/grafana/provisioning/dashboards/undercurrent.yaml")
    assert volumes[provider["providers"][0]["options"]["path"]] == "./dashboards/json"
    assert volumes["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    assert "UNDERCURRENT_PROMETHEUS_URL" in SERVICES["grafana"]["environment"]


PROMETHEUS = yaml.safe_load(COMPOSE["configs"]["prometheus"]["content"])


def test_compose_prometheus_loads_every_committed_rule_file():
    mounted = {v.split(":")[1] for v in SERVICES["prometheus"]["volumes"]}
    assert "/etc/prometheus/rules" in mounted
    patterns = [p.removeprefix("rules/") for p in PROMETHEUS["rule_files"]]
    files = [f.name for f in RULES.glob("*.yml")]
    assert all(any(fnmatch.fnmatch(f, p) for p in patterns) for f in files)
    assert all(any(fnmatch.fnmatch(f, p) for f in files) for p in patterns)


def test_compose_prometheus_scrapes_the_workers_as_the_job_the_rules_watch():
    (job,) = PROMETHEUS["scrape_configs"]
    (selector,) = re.findall(r'up\{job=~"([^"]+)"\}', (RULES / "pipeline.yml").read_text())
    assert re.fullmatch(selector, job["job_name"])
    targets = {(n, sd["port"]) for sd in job["dns_sd_configs"] for n in sd["names"]}
    port = Settings.model_fields["metrics_port"].default
    assert targets == {("worker", port), ("judge-worker", port)}


def test_compose_prometheus_sends_alerts_to_the_alertmanager_service():
    (target,) = PROMETHEUS["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert target.split(":")[0] in SERVICES


def test_compose_host_ports_bind_loopback_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), name


# --- Helm chart ----------------------------------------------------------------------------------

VALUES = _load(CHART / "values.yaml")
SCHEMA = json.loads((CHART / "values.schema.json").read_text())
CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))
TEMPLATES = {p.name: p.read_text() for p in (CHART / "templates").rglob("*") if p.is_file()}


def _errors(values: dict) -> list[str]:
    return [error.message for error in jsonschema.Draft7Validator(SCHEMA).iter_errors(values)]


def _has_path(values: dict, dotted: str) -> bool:
    node = values
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def test_chart_metadata():
    chart = _load(CHART / "Chart.yaml")
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == CHART.name


def test_values_schema_is_valid_draft7():
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_default_values_validate():
    assert _errors(VALUES) == []


@pytest.mark.parametrize("path", CI_VALUES, ids=lambda p: p.name)
def test_ci_values_validate_over_defaults(path):
    assert _errors(_deep_merge(VALUES, _load(path))) == []


def test_ci_scenarios_exist():
    assert {p.name for p in CI_VALUES} >= {"default-values.yaml", "full-values.yaml"}


def test_schema_rejects_unknown_keys():
    assert _errors(_deep_merge(VALUES, {"worker": {"replica": 3}}))


@pytest.mark.parametrize(
    "override",
    [
        {"web": {"enabled": True}},
        {"judge": {"enabled": True}},
        {"kafka": {"securityProtocol": "SASL_SSL"}},
    ],
    ids=["web-without-token-secret", "judge-without-key-secret", "sasl-without-credentials"],
)
def test_schema_requires_secrets_for_what_needs_them(override):
    assert _errors(_deep_merge(VALUES, override))


def test_optional_features_are_off_by_default():
    assert not VALUES["judge"]["enabled"]
    assert not VALUES["web"]["enabled"]
    assert not VALUES["metrics"]["serviceMonitor"]["enabled"]
    assert not VALUES["prometheusRule"]["enabled"]
    assert not any(VALUES[role]["autoscaling"]["enabled"] for role in ("worker", "judge"))


def test_every_role_has_default_requests_and_a_memory_limit():
    for role in ("worker", "judge", "web"):
        resources = VALUES[role]["resources"]
        assert set(resources["requests"]) == {"cpu", "memory"} and set(resources["limits"]) == {"memory"}, role


def test_schema_domains_are_the_taxonomy():
    domains = SCHEMA["properties"]["config"]["properties"]["domains"]["items"]["enum"]
    assert domains == [*VERTICALS, UNKNOWN_DOMAIN]


def test_every_schema_key_has_a_comment_above_it_in_values():
    lines = (CHART / "values.yaml").read_text().splitlines()
    stack: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        match = re.match(r"^(\s*)(\w+):", line)
        if not match:
            continue
        indent = len(match.group(1))
        stack = [(d, k) for d, k in stack if d < indent] + [(indent, match.group(2))]
        node = SCHEMA
        for _, key in stack:
            node = node.get("properties", {}).get(key) if node else None
        if node is not None:
            assert lines[i - 1].lstrip().startswith("#"), line


def test_template_value_references_exist():
    role_keys = set(VALUES["worker"]) - {"autoscaling"}
    for name, text in TEMPLATES.items():
        for ref in re.findall(r"\.Values\.([\w.]+)", text):
            assert _has_path(VALUES, ref), f"{name}: .Values.{ref}"
        for ref in re.findall(r"\$kafka\.([\w.]+)", text):
            assert _has_path(VALUES["kafka"], ref), f"{name}: $kafka.{ref}"
        for ref in re.findall(r"\.values\.(\w+)", text):
            assert ref in role_keys, f"{name}: .values.{ref}"
    for role in ("worker", "judge", "web"):
        assert role_keys <= set(VALUES[role]), role


def test_templates_set_only_known_environment_variables():
    names = {n for text in TEMPLATES.values() for n in re.findall(r"\b(?:UNDERCURRENT|ANTHROPIC)_[A-Z0-9_]+", text)}
    assert "UNDERCURRENT_REDIS_URL" in names
    assert names <= KNOWN_ENV, names - KNOWN_ENV


def test_templates_run_real_commands():
    args = {a for text in TEMPLATES.values() for a in re.findall(r'"args" \(list "([\w-]+)"\)', text)}
    assert args == {"worker", "judge-worker", "web"}
    assert args <= CLI_COMMANDS


@pytest.mark.parametrize("path", [CHART / "values.yaml", *CI_VALUES], ids=lambda p: p.name)
def test_extra_env_names_and_values_are_real_settings(path, monkeypatch):
    extra = _deep_merge(VALUES, _load(path))["config"]["extraEnv"]
    assert set(extra) <= SETTINGS_ENV
    _settings_from(extra, monkeypatch)


def test_extra_env_parses(monkeypatch):
    extra = _load(CHART / "ci" / "full-values.yaml")["config"]["extraEnv"]
    assert _settings_from(extra, monkeypatch).sessions.idle_timeout_s == 900.0


def test_every_deployment_gets_the_checksum_annotation_from_the_pod_template():
    deployments = [name for name in TEMPLATES if name.startswith("deployment-")]
    assert sorted(deployments) == ["deployment-judge.yaml", "deployment-web.yaml", "deployment-worker.yaml"]
    assert all('include "undercurrent.deployment"' in TEMPLATES[name] for name in deployments)
    assert 'include "undercurrent.podTemplate"' in TEMPLATES["_pod.tpl"]
    assert "checksum/config" in TEMPLATES["_pod.tpl"]


def test_chart_rule_files_are_copies_of_the_committed_rules():
    copies = {p.name: p.read_text() for p in (CHART / "files" / "prometheus-rules").glob("*.yml")}
    committed = {p.name: p.read_text() for p in RULES.glob("*.yml")}
    assert copies == committed, "copy deploy/prometheus/rules/*.yml to helm/undercurrent/files/prometheus-rules/"


def _leaf_paths(node: dict, prefix: str = "") -> list[str]:
    paths = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        schema_free = path.endswith(("resources", "strategy", "SecurityContext", "securityContext"))
        if isinstance(value, dict) and value and not schema_free:
            paths += _leaf_paths(value, f"{path}.")
        else:
            paths.append(path)
    return paths


def test_chart_readme_documents_every_value():
    readme = (CHART / "README.md").read_text()
    missing = [path for path in _leaf_paths(VALUES) if f"| `{path}` |" not in readme]
    assert missing == [], "add these keys to the parameter table of helm/undercurrent/README.md"


def test_chart_package_keeps_its_readme():
    ignored = (CHART / ".helmignore").read_text().split()
    assert not any(fnmatch.fnmatch("README.md", pattern) for pattern in ignored)
