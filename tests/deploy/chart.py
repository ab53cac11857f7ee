"""Render the Helm chart with a real helm binary and look objects up in the result."""

from __future__ import annotations

import functools
import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "undercurrent"
SCENARIOS = sorted((CHART / "ci").glob("*-values.yaml"))
# The custom resources the chart can render, as a cluster with the operators installed announces them.
OPERATOR_APIS = (
    "monitoring.coreos.com/v1/ServiceMonitor",
    "monitoring.coreos.com/v1/PrometheusRule",
    "keda.sh/v1alpha1/ScaledObject",
    "keda.sh/v1alpha1/TriggerAuthentication",
)
# The least a render needs: an external broker and Redis.
REQUIRED = {"kafka": {"bootstrap": "kafka:9092"}, "redis": {"existingSecret": "undercurrent-redis"}}


class RenderError(Exception):
    """helm refused to render; the message is helm's."""


@dataclass(frozen=True)
class Manifests:
    objects: tuple[dict[str, Any], ...]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [o for o in self.of_kind(kind) if o["metadata"]["name"] == name]
        assert len(found) == 1, f"{kind}/{name} not rendered once; have {self.names(kind)}"
        return found[0]

    def names(self, kind: str) -> list[str]:
        return [o["metadata"]["name"] for o in self.of_kind(kind)]

    def container(self, deployment: str) -> dict[str, Any]:
        (container,) = self.get("Deployment", deployment)["spec"]["template"]["spec"]["containers"]
        return container


def render(
    helm: Path,
    *scenarios: Path,
    values: dict[str, Any] | None = None,
    release: str = "uc",
    namespace: str = "observability",
    kube_version: str | None = None,
    api_versions: tuple[str, ...] = OPERATOR_APIS,
) -> Manifests:
    return _render(helm, scenarios, json.dumps(values or {}, sort_keys=True), release, namespace, kube_version,
                   api_versions)


@functools.lru_cache(maxsize=256)
def _render(
    helm: Path,
    scenarios: tuple[Path, ...],
    values_json: str,
    release: str,
    namespace: str,
    kube_version: str | None,
    api_versions: tuple[str, ...],
) -> Manifests:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as extra:
        yaml.safe_dump(json.loads(values_json), extra)
        extra.flush()
        args = [str(helm), "template", release, str(CHART), "--namespace", namespace]
        for path in (*scenarios, Path(extra.name)):
            args += ["-f", str(path)]
        for api in api_versions:
            args += ["--api-versions", api]
        if kube_version:
            args += ["--kube-version", kube_version]
        result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RenderError(result.stderr)
    return Manifests(tuple(doc for doc in yaml.safe_load_all(result.stdout) if doc))
