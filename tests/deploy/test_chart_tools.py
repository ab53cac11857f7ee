"""The chart checked by the real tools: helm 3 and 4 lint and render every ci/ scenario; the rendered
objects match the Kubernetes schemas of every supported version and the operators' CRD schemas."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions

from .chart import CHART, SCENARIOS, render

CRD_GROUPS = ("monitoring.coreos.com/", "keda.sh/")
MIN_KUBE = yaml.safe_load((CHART / "Chart.yaml").read_text())["kubeVersion"].lstrip(">=").split("-")[0]


def _minor(version: str) -> tuple[int, int]:
    major, minor, *_ = version.split(".")
    return int(major), int(minor)


# Every Kubernetes release kubernetes-validate has schemas for, from the chart's kubeVersion on.
KUBE_VERSIONS = sorted({v for v in all_versions() if _minor(v) >= _minor(MIN_KUBE)}, key=_minor)


def test_supported_kubernetes_versions_are_covered():
    assert KUBE_VERSIONS[0] == MIN_KUBE
    assert len(KUBE_VERSIONS) >= 11


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_helm_lint_strict(helm: Path, scenario: Path) -> None:
    result = subprocess.run([str(helm), "lint", "--strict", str(CHART), "-f", str(scenario)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_helm_3_and_4_render_the_same_objects(helm: Path, helm4: Path, scenario: Path) -> None:
    rendered = render(helm, scenario)
    assert rendered.of_kind("Deployment")
    assert rendered == render(helm4, scenario)


@pytest.mark.parametrize("kube_version", [KUBE_VERSIONS[0], KUBE_VERSIONS[-1]])
def test_the_chart_installs_on_the_oldest_and_newest_supported_kubernetes(helm4: Path, kube_version: str) -> None:
    assert render(helm4, SCENARIOS[0], kube_version=kube_version).of_kind("Deployment")


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_rendered_objects_match_the_kubernetes_schema(helm4: Path, scenario: Path, kube_version: str) -> None:
    # The templates do not branch on the Kubernetes version, so one render is checked against each schema set.
    core = [o for o in render(helm4, scenario).objects if not o["apiVersion"].startswith(CRD_GROUPS)]
    assert core
    for manifest in core:
        try:
            kubernetes_validate.validate(manifest, kube_version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{manifest['kind']}/{manifest['metadata']['name']} on {kube_version}: {error.message} "
                        f"at {'/'.join(map(str, error.path))}")


def test_custom_resources_match_the_crd_schemas(helm4: Path, crd_validators: Path) -> None:
    custom = [o for s in SCENARIOS for o in render(helm4, s).objects if o["apiVersion"].startswith(CRD_GROUPS)]
    result = subprocess.run(["node", "validate.mjs"], cwd=crd_validators, input=json.dumps(custom),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)
    assert [v for v in verdicts if v["errors"]] == []
    kinds = {"ServiceMonitor", "PrometheusRule", "ScaledObject", "TriggerAuthentication"}
    assert {v["kind"] for v in verdicts} == kinds


def test_the_crd_validator_rejects_a_wrong_field(crd_validators: Path) -> None:
    wrong = {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "x"},
             "spec": {"selector": {}, "endpoints": [{"port": "metrics", "scrapeTimeout": "ten seconds"}]}}
    result = subprocess.run(["node", "validate.mjs"], cwd=crd_validators, input=json.dumps([wrong]),
                            capture_output=True, text=True, timeout=60)
    (verdict,) = json.loads(result.stdout)
    assert "scrapeTimeout" in verdict["errors"][0]
