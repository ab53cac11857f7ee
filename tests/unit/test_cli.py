"""The command line as a user meets it: help text, the settings reference, loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from undercurrent.cli.main import app
from undercurrent.cli.settings import settings_reference
from undercurrent.config import Settings
from undercurrent.detectors.scenarios import load_scenarios

runner = CliRunner()


def command_paths() -> list[list[str]]:
    """Every command and sub-command, as argument lists (groups have ``commands``)."""
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "undercurrent")
def test_help_renders_without_markup_residue(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], prog_name="undercurrent", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Usage: undercurrent" in result.output
    for residue in ("``", "<bool>", "[bold]", "╭"):
        assert residue not in result.output


@pytest.mark.parametrize("command", ["worker", "judge-worker"])
def test_worker_help_points_to_the_settings_reference(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "100"})
    assert "UNDERCURRENT_*" in result.output and "`undercurrent settings`" in result.output


def test_settings_lists_every_variable_settings_read() -> None:
    result = runner.invoke(app, ["settings"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    for row in settings_reference():
        assert row.variable in result.output


@pytest.mark.parametrize(
    "variable, value, read",
    [
        ("UNDERCURRENT_KAFKA__SESSION_TIMEOUT_S", "4", lambda s: s.kafka.session_timeout_s == 4.0),
        ("UNDERCURRENT_DATA_DIR", "/srv/uc", lambda s: s.data_dir == "/srv/uc"),
        ("UNDERCURRENT_LABELS__FEATURES", '["a","b"]', lambda s: s.labels.features == ["a", "b"]),
        ("UNDERCURRENT_REDIS_URL", "redis://r:1/2", lambda s: s.redis_url.get_secret_value() == "redis://r:1/2"),
    ],
)
def test_listed_variables_are_the_ones_settings_read(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, read: object
) -> None:
    assert variable in {row.variable for row in settings_reference()}
    monkeypatch.setenv(variable, value)
    assert read(Settings())  # type: ignore[operator]


def test_every_listed_default_read_back_from_the_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = settings_reference()
    assert len({row.variable for row in rows}) == len(rows)
    for row in rows:
        monkeypatch.delenv(row.variable, raising=False)
    defaults = Settings()
    for row in rows:
        if row.default != "(unset)":
            monkeypatch.setenv(row.variable, row.default)
    assert Settings() == defaults


def test_eval_detectors_finds_its_scenarios_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["eval-detectors"])
    assert result.exit_code == 0, result.output
    assert f"Signals over {len(load_scenarios())} labelled scenarios" in result.output


def test_eval_detectors_without_scenarios_fails_loudly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval-detectors", "--scenarios", str(tmp_path)])
    assert result.exit_code == 1
    assert f"no labelled scenarios (*.yaml) in {tmp_path}" in result.output


def test_eval_detectors_leads_with_the_real_labelled_conversations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parents[2])
    result = runner.invoke(app, ["eval-detectors", "--split", "dev", "--replicates", "200", "--markdown"])
    assert result.exit_code == 0, result.output
    real = result.output.index("Real ShareGPT conversations, dev split")
    assert real < result.output.index("labelled scenarios (in-sample")
    assert "**all: 241 conversations" in result.output
    assert "| user_corrects_ai (implicit) |" in result.output
    assert "**English: " in result.output and "**non-English: " in result.output


def test_eval_detectors_with_a_missing_labelled_set_fails_loudly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval-detectors", "--labelled", str(tmp_path)])
    assert result.exit_code == 1
    assert "has no sample.jsonl and labels/" in result.output


def test_calibrate_without_any_input_says_what_to_give(tmp_path):
    result = runner.invoke(app, ["calibrate", "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 1
    assert "nothing to fit on: give --labelled, --tau-bench or --from-verdicts" in result.output
    assert not (tmp_path / "m.json").exists()


def test_calibrate_priors_writes_a_model_the_worker_can_load(tmp_path):
    from undercurrent.detectors.risk import WEIGHTS, load_model

    result = runner.invoke(app, ["calibrate", "--priors", "--created", "2026-01-01", "--out", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    model = load_model(tmp_path / "m.json")
    assert model.version.startswith("2026-01-01-") and model.version in result.output
    assert model.terms.weights == WEIGHTS


def test_eval_detectors_names_the_risk_model_it_scores_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(Path(__file__).parents[2])
    missing = tmp_path / "model.json"
    result = runner.invoke(app, ["eval-detectors", "--split", "dev", "--risk-model", str(missing)])
    assert result.exit_code == 1
    assert str(missing) in result.output
