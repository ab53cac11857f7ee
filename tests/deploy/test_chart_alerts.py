"""Two releases of the chart scraped by one Prometheus: UndercurrentTargetDown names the one that is down.

The rules come from the chart's rendered PrometheusRule and are evaluated by the real promtool.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from .chart import CHART, render

DEFAULT = CHART / "ci" / "default-values.yaml"
VALUES = {"metrics": {"serviceMonitor": {"enabled": True}}, "prometheusRule": {"enabled": True}}


def _job(helm: Path, release: str) -> str:
    (monitor,) = render(helm, DEFAULT, values=VALUES, release=release).of_kind("ServiceMonitor")
    relabelings = monitor["spec"]["endpoints"][0]["relabelings"]
    return next(r["replacement"] for r in relabelings if r.get("targetLabel") == "job")


def _fill(template: str, labels: dict[str, str]) -> str:
    text = re.sub(r"\{\{ \$externalLabels\.\w+ \}\}", "", template)
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], text)


def test_target_down_fires_once_per_release_with_its_job(helm4: Path, tmp_path: Path) -> None:
    rendered = render(helm4, DEFAULT, values=VALUES, release="prod")
    pipeline = rendered.get("PrometheusRule", "prod-undercurrent-pipeline")
    (tmp_path / "pipeline.yml").write_text(yaml.safe_dump({"groups": pipeline["spec"]["groups"]}))
    rule = next(r for g in pipeline["spec"]["groups"] for r in g["rules"] if r.get("alert") == "UndercurrentTargetDown")

    releases = ("prod", "staging")
    down = [{"job": _job(helm4, release), "instance": f"10.0.0.{i}:9464"} for i, release in enumerate(releases)]
    assert down[0]["job"] != down[1]["job"]
    series = [{"series": f'up{{job="{d["job"]}",instance="{d["instance"]}"}}', "values": "0x10"} for d in down]
    series.append({"series": 'up{job="node-exporter",instance="10.0.0.9:9100"}', "values": "0x10"})
    expected = [
        {"exp_labels": {"severity": "critical", **d},
         "exp_annotations": {k: _fill(v, d) for k, v in rule["annotations"].items()}}
        for d in down
    ]
    tests = {"rule_files": ["pipeline.yml"], "evaluation_interval": "1m", "tests": [{
        "interval": "1m", "input_series": series,
        "alert_rule_test": [{"eval_time": "6m", "alertname": "UndercurrentTargetDown", "exp_alerts": expected}],
    }]}
    (tmp_path / "test.yml").write_text(yaml.safe_dump(tests))
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: apt-get install -y prometheus"
    result = subprocess.run([promtool, "test", "rules", "test.yml"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
