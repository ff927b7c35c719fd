"""train -> MLflow run + registry + promotion; score on good and bad input (CliRunner)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app

runner = CliRunner()

FAST = [
    "--set",
    "features.embedder=hashing",
    "--set",
    "features.n_components=4",
    "--set",
    "evaluation.bootstrap=20",
    "--set",
    "model.num_boost_round=60",
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, labelled_csv: Path) -> Path:
    out = tmp_path_factory.mktemp("models") / "default"
    result = runner.invoke(app, ["train", "--data", str(labelled_csv), "--out", str(out), *FAST])
    assert result.exit_code == 0, result.output
    return out


def test_train_writes_model_card_metrics_and_mlflow_run(trained: Path) -> None:
    meta = json.loads((trained / "model.json").read_text())
    assert 0 < meta["threshold"] <= 1
    assert meta["metrics"]["test"]["roc_auc"] > 0.7
    assert "ablation_no_embeddings" in meta["metrics"]
    assert "Held-out figures" in (trained / "README.md").read_text()
    import mlflow

    mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
    client = mlflow.MlflowClient()
    champion = client.get_model_version_by_alias("linkclf", "champion")
    run = client.get_run(champion.run_id)
    assert "test_roc_auc" in run.data.metrics
    assert any(a.path == "model" for a in client.list_artifacts(champion.run_id))


def test_worse_model_is_not_promoted(trained: Path, labelled_csv: Path) -> None:
    before = (trained / "model.lgb.txt").read_text()
    worse = [*FAST, "--set", "model.num_boost_round=1", "--set", "model.params.num_leaves=2"]
    result = runner.invoke(
        app, ["train", "--data", str(labelled_csv), "--out", str(trained), *worse]
    )
    assert result.exit_code == 0, result.output
    assert "does not beat" in result.output
    assert (trained / "model.lgb.txt").read_text() == before


def test_score_writes_scores_with_original_columns(
    trained: Path, labelled_csv: Path, tmp_path: Path
) -> None:
    src = tmp_path / "export.csv"
    pd.read_csv(labelled_csv).drop(columns=["label", "kind"]).assign(my_note="x").to_csv(
        src, index=False
    )
    out = tmp_path / "scored.csv"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(trained)])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out)
    assert {"my_note", "source_url", "p_manipulative", "flag", "predicted_kind", "reasons"} <= set(
        scored.columns
    )
    assert scored["p_manipulative"].between(0, 1).all()
    assert scored.loc[scored["flag"] == 1, "reasons"].str.len().gt(0).all()


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02\xff\xfe\x00binary\x00" * 50, b"foo,bar\n1,2\n"],
    ids=["empty", "binary", "missing-column"],
)
def test_score_bad_input_one_line_exit_1_no_output(
    trained: Path, tmp_path: Path, content: bytes
) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    out = tmp_path / "scored.csv"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(trained)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("linkclf: error:"), result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".scored.csv*"))


def test_score_refuses_to_overwrite_input(
    trained: Path, labelled_csv: Path, tmp_path: Path
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(labelled_csv.read_bytes())
    result = runner.invoke(app, ["score", str(src), "-o", str(src), "--model", str(trained)])
    assert result.exit_code == 1
    assert src.read_bytes() == labelled_csv.read_bytes()


def test_missing_model_is_one_line(tmp_path: Path, labelled_csv: Path) -> None:
    result = runner.invoke(
        app,
        [
            "score",
            str(labelled_csv),
            "-o",
            str(tmp_path / "o.csv"),
            "--model",
            str(tmp_path / "nope"),
        ],
    )
    assert result.exit_code == 1
    assert "linkclf train" in result.output


def test_every_command_has_help_with_an_example() -> None:
    from linkclf.cli import COMMANDS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name, _ in COMMANDS:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, name
        assert f"linkclf {name}" in readme, f"README does not document `linkclf {name}`"


def test_evaluate_prints_model_and_baselines(
    trained: Path, labelled_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "metrics.json"
    result = runner.invoke(
        app, ["evaluate", "--model", str(trained), "--data", str(labelled_csv), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "baseline: rules" in result.output and "baseline: no_embeddings" in result.output
    figures = json.loads(out.read_text())
    assert {"test", "test_ci", "per_kind", "reliability", "baseline_rules"} <= set(figures)
    lo, hi = figures["test_ci"]["roc_auc"]
    assert lo <= figures["test"]["roc_auc"] <= hi
    # The model beats the rules baseline on the same held-out domains.
    assert figures["test"]["pr_auc"] > figures["baseline_rules"]["pr_auc"]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("source_url", "", "a source_url on every row"),
        ("target_url", "", "a target_url on every row"),
        ("placement", "weird-place", "placement in {content"),
    ],
    ids=["no-source", "no-target", "weird-placement"],
)
def test_score_refuses_rows_it_cannot_score(
    trained: Path, labelled_csv: Path, tmp_path: Path, column: str, value: str, expected: str
) -> None:
    """Issue 9: such rows were scored and flagged, exit 0. Now: one line with the count."""
    src = tmp_path / "export.csv"
    frame = pd.read_csv(labelled_csv).drop(columns=["label", "kind"]).head(40)
    frame[column] = frame[column].astype(object)
    frame.loc[[3, 7], column] = value
    frame.to_csv(src, index=False)
    out = tmp_path / "scored.csv"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(trained)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert expected in lines[0] and "2 row(s)" in lines[0] and "export.csv" in lines[0]
    assert not out.exists()


def test_set_typo_is_refused_with_the_valid_keys(labelled_csv: Path, tmp_path: Path) -> None:
    """Issue 9: --set model.num_boost_rounds=10 was stored and silently ignored."""
    result = runner.invoke(
        app,
        [
            "train",
            "--data",
            str(labelled_csv),
            "--out",
            str(tmp_path / "m"),
            "--set",
            "model.num_boost_rounds=10",
        ],
    )
    assert result.exit_code == 1
    assert "model.num_boost_rounds" in result.output
    assert "num_boost_round" in result.output.replace("num_boost_rounds", "")
    assert not (tmp_path / "m").exists()


def test_scored_file_predictions_are_never_labels(
    trained: Path, labelled_csv: Path, tmp_path: Path
) -> None:
    """Issue 9: retraining from a scored file could read its predicted kinds back as labels."""
    from linkclf.labelled import load_labelled

    src = tmp_path / "export.csv"
    rows = pd.read_csv(labelled_csv).head(60)
    rows.drop(columns=["label", "kind"]).to_csv(src, index=False)
    out = tmp_path / "scored.csv"
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(trained)])
    assert result.exit_code == 0, result.output
    # A user labels the scored rows (a label column added in a spreadsheet) and retrains.
    labelled = tmp_path / "labelled-scored.csv"
    scored = pd.read_csv(out).assign(label=rows["label"].to_numpy())
    assert (scored["predicted_kind"] != "natural").any()
    scored.to_csv(labelled, index=False)
    data = load_labelled([str(labelled)])
    assert data["kind"].isna().all()  # the label's kind is unknown; the prediction is not it
    legacy = tmp_path / "legacy.csv"
    scored.rename(columns={"predicted_kind": "kind"}).to_csv(legacy, index=False)
    assert load_labelled([str(legacy)])["kind"].isna().all()
