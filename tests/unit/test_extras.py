"""The running service needs no extra; commands that do need one say which, instead of an ImportError.

A child interpreter stands in for an installation without the extras: their modules are marked
absent in ``sys.modules`` before anything is imported (``import`` then fails and ``find_spec`` says
None, as for a package that is not installed). The image test runs the same commands where the
extras are really missing.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from undercurrent.extras import EXTRA_MODULES

ROOT = Path(__file__).resolve().parents[2]
OPTIONAL = sorted({m for modules in EXTRA_MODULES.values() for m in modules} | {"psutil", "grafana_foundation_sdk"})
PRELUDE = f"import sys\nfor name in {OPTIONAL!r}:\n    sys.modules[name] = None\n"


def without_extras(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PRELUDE + code, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


COMMANDS = {
    "replay": ["replay", "--limit", "1"],
    "eval-detectors": ["eval-detectors"],
    "eval-judge": ["eval-judge", "tests/data/judge_eval_sample.jsonl"],
    "demo": ["demo", "--exit-after-summary"],
    "devstack": ["devstack"],
    "replay-jsonl": ["replay", "--source", "no-such-file.jsonl"],
    "help": ["--help"],
}
# One child interpreter runs every command (importing the CLI costs seconds of CPU).
RUN_COMMANDS = f"""
import json
from typer.testing import CliRunner
from undercurrent.cli.main import app
runner = CliRunner()
results = {{}}
for name, args in {COMMANDS!r}.items():
    result = runner.invoke(app, args)
    crashed = result.exception is not None and result.exit_code not in (0, 2)
    results[name] = {{"code": result.exit_code, "stdout": result.stdout, "stderr": result.stderr,
                      "exception": repr(result.exception) if crashed else None}}
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def runs() -> dict:
    result = without_extras(RUN_COMMANDS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_service_imports_and_runs_its_help_without_any_extra(runs: dict) -> None:
    # An import of a module marked absent raises, so a clean exit proves none of them is needed.
    code = "import undercurrent.workers.ingest, undercurrent.workers.judge, undercurrent.web.app, undercurrent.cli.main"
    result = without_extras(code)
    assert result.returncode == 0, result.stderr
    assert runs["help"]["code"] == 0
    assert all(command in runs["help"]["stdout"] for command in ("worker", "judge-worker", "web", "replay", "demo"))


@pytest.mark.parametrize(("command", "extras"), [
    ("replay", "replay"),
    ("eval-detectors", "eval"),
    ("eval-judge", "eval"),
    ("demo", "replay,eval,devstack"),
    ("devstack", "devstack"),
])
def test_commands_name_the_extra_they_need(runs: dict, command: str, extras: str) -> None:
    run = runs[command]
    assert run["code"] == 2, run
    assert f"pip install 'undercurrent[{extras}]'" in run["stderr"]
    assert run["exception"] is None


def test_replaying_a_jsonl_file_needs_no_extra(runs: dict) -> None:
    run = runs["replay-jsonl"]
    assert "pip install" not in run["stderr"]
    assert "needs a file" in run["stderr"]


def test_each_extra_installs_the_modules_the_code_expects() -> None:
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    providers = importlib.metadata.packages_distributions()
    for extra, modules in EXTRA_MODULES.items():
        names = {re.split(r"[\[<>=!~;]", r, maxsplit=1)[0].strip().lower() for r in optional[extra]}
        for module in modules:
            assert {d.lower() for d in providers[module]} & names, f"{module} is not installed by [{extra}]"
