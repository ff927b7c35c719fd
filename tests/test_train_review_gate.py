"""`linkclf train --review` end to end: decisions counted, the gate on the user's labels
printed and logged to MLflow with a distinct run name, row counts and a data hash."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.domains import site
from tests.conftest import make_links

runner = CliRunner()

FAST = [
    "--set", "features.embedder=hashing",
    "--set", "features.n_components=4",
    "--set", "evaluation.bootstrap=20",
    "--set", "evaluation.ablation=false",
    "--set", "evaluation.ood=false",
    "--set", "model.num_boost_round=60",
    "--set", "gate.folds=3",
]  # fmt: skip


def test_train_with_review_runs_the_user_label_gate(tmp_path: Path, labelled_csv: Path) -> None:
    out = tmp_path / "models" / "default"
    first = runner.invoke(app, ["train", "--data", str(labelled_csv), "--out", str(out), *FAST])
    assert first.exit_code == 0, first.output

    export = make_links(n_targets=10, seed=4)
    # The user's own site and referring pages: no link identical to one of the shipped data.
    export["source_url"] = export["source_url"].str.replace("https://", "https://u-", n=1)
    raw = tmp_path / "export.csv"
    export.drop(columns=["label", "kind"]).to_csv(raw, index=False)
    scored = tmp_path / "scored.csv"
    result = runner.invoke(app, ["score", str(raw), "-o", str(scored), "--model", str(out)])
    assert result.exit_code == 0, result.output

    # Domain decisions from the answer key (majority label of each referring domain).
    export["domain"] = export["source_url"].map(site)
    majority = export.groupby("domain")["label"].mean()
    review = tmp_path / "review.csv"
    pd.DataFrame(
        {
            "decision": ["disavow" if m >= 0.5 else "keep" for m in majority],
            "level": "domain",
            "candidate": ["domain:" + d for d in majority.index],
            "domain": majority.index,
        }
    ).to_csv(review, index=False)
    model_before = (out / "model.lgb.txt").read_text()
    result = runner.invoke(
        app,
        [
            "train",
            "--data", str(labelled_csv),
            "--data", str(scored),
            "--review", str(review),
            "--out", str(out),
            *FAST,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{len(majority)} decisions used" in result.output
    assert "promotion gate on your labels" in result.output
    assert "weights: inverse review propensity" in result.output
    assert "threshold " in result.output and " -> " in result.output
    promoted = "promote: " in result.output
    assert promoted != ("keep the current model" in result.output)
    if not promoted:
        assert (out / "model.lgb.txt").read_text() == model_before

    import mlflow

    mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
    runs = mlflow.search_runs(experiment_names=["linkclf"], order_by=["start_time DESC"])
    last = runs.iloc[0]
    assert "<- labelled.csv + scored.csv @" in last["tags.mlflow.runName"]
    assert len(last["params.data_sha256"]) == 16
    assert int(last["params.n_rows"]) > int(last["params.n_test"]) > 0
    assert last["metrics.gate_promote"] == float(promoted)
    assert "metrics.gate_user_precision_before" in runs.columns
    # Two runs of the same model directory have different names.
    assert runs["tags.mlflow.runName"].nunique() == len(runs)
