"""MLflow: the only module that imports it.

Every training run logs its params, metrics, plots and the model directory; the model is
registered and promoted with aliases (``challenger`` -> ``champion``) only when it wins on
held-out data. The default store is ``sqlite:///mlflow.db`` in the working directory (MLflow's
own default); ``MLFLOW_TRACKING_URI`` points elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

DEFAULT_URI = "sqlite:///mlflow.db"
EXPERIMENT = "linkclf"


def tracking_uri() -> str:
    """The CLI's store: ``MLFLOW_TRACKING_URI``, else ``sqlite:///mlflow.db`` here."""
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI


def _mlflow() -> Any:
    import mlflow

    # MLflow logs table creation at INFO on every fresh store; keep stderr for our own progress.
    # (Set after the import: mlflow configures its logger when imported.)
    for name in ("mlflow", "alembic", "mlflow.store.db.utils", "mlflow.tracking.fluent"):
        logging.getLogger(name).setLevel(logging.WARNING)

    return mlflow


def _sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (None for other stores or in-memory)."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return None
    path = uri[len(prefix) :].split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


@contextlib.contextmanager
def store_lock(uri: str | None = None) -> Iterator[None]:
    """Hold a file lock beside a SQLite store while creating or changing what all runs share.

    Two ``train`` runs starting at once on a new store both ran MLflow's alembic migrations and
    both created the experiment: one failed with a traceback and the store could be left
    half-migrated. Under this lock the first run creates the store and the experiment, the
    second finds them. Other stores (a tracking server) serialise on their own.
    """
    db = _sqlite_path(uri if uri is not None else tracking_uri())
    if db is None:
        yield
        return
    from filelock import FileLock

    db.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(db) + ".lock", timeout=600):
        yield


@contextlib.contextmanager
def run(
    name: str, params: dict[str, Any], tags: dict[str, str] | None = None, uri: str | None = None
) -> Iterator[Any]:
    """Start a run in the ``linkclf`` experiment and log flattened params.

    ``uri``: the tracking store to use (the CLI passes :func:`tracking_uri`); None keeps
    whatever MLflow is configured with, so the library never overrides its caller's choice.
    """
    mlflow = _mlflow()
    if uri is not None:
        mlflow.set_tracking_uri(uri)
    # The experiment by id, not mlflow.set_experiment (which also writes MLFLOW_EXPERIMENT_ID
    # into the caller's environment); the first use creates the store's tables, under the lock.
    with store_lock(mlflow.get_tracking_uri()):
        client = mlflow.MlflowClient()
        found = client.get_experiment_by_name(EXPERIMENT)
        experiment_id = found.experiment_id if found else client.create_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=name, tags=tags or {}, experiment_id=experiment_id) as active:
        mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        yield active


def log_params(params: dict[str, Any]) -> None:
    _mlflow().log_params({k: str(v)[:500] for k, v in params.items()})


def log_metrics(metrics: dict[str, float], prefix: str = "") -> None:
    mlflow = _mlflow()
    clean = {}
    for key, value in metrics.items():
        if isinstance(value, (int, float)) and value == value:  # drop NaN
            clean[f"{prefix}{key}".replace("@", "_at_")] = float(value)
    mlflow.log_metrics(clean)


def log_figure(fig: Any, name: str) -> None:
    _mlflow().log_figure(fig, name)


def log_dict(data: dict[str, Any], name: str) -> None:
    _mlflow().log_dict(data, name)


def log_model_dir(path: str | Path) -> str:
    """Log a model directory as the run's ``model`` artifacts; returns its artifact URI."""
    mlflow = _mlflow()
    mlflow.log_artifacts(str(path), "model")
    return mlflow.get_artifact_uri("model")


def register(run_id: str, artifact_uri: str, name: str) -> str:
    """Register the run's model directory as a new version of ``name``; alias it ``challenger``."""
    mlflow = _mlflow()
    client = mlflow.MlflowClient()
    with store_lock(
        mlflow.get_tracking_uri()
    ):  # two runs registering the first version must not both create the model
        try:
            client.get_registered_model(name)
        except mlflow.exceptions.MlflowException:
            client.create_registered_model(name, description="linkclf link classifier")
        version = client.create_model_version(name, source=artifact_uri, run_id=run_id)
        client.set_registered_model_alias(name, "challenger", version.version)
    return str(version.version)


def promote(name: str, version: str) -> None:
    """Make ``version`` the champion."""
    _mlflow().MlflowClient().set_registered_model_alias(name, "champion", version)


def champion_version(name: str) -> str | None:
    mlflow = _mlflow()
    try:
        return str(mlflow.MlflowClient().get_model_version_by_alias(name, "champion").version)
    except mlflow.exceptions.MlflowException:
        return None


# --- issue 12: distinct run names and a fingerprint of the training data -----------------------
def run_name(name: str, data_paths: list[str], when: dt.datetime | None = None) -> str:
    """``default <- links.csv.gz + scored.csv @ 2026-11-30T03:30:12Z``: runs of one model
    directory on different data, or at different times, are told apart in the UI."""
    stamp = (when or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    files = " + ".join(Path(p).name for p in data_paths) or "no data"
    return f"{name} <- {files} @ {stamp}"[:250]


def data_hash(df: pd.DataFrame) -> str:
    """SHA-256 (first 16 hex digits) of the rows a model was trained on: the link keys and
    labels, in order. The same data gives the same hash in every process."""
    import hashlib

    cols = [c for c in ("source_url", "target_url", "anchor", "label") if c in df.columns]
    digest = hashlib.sha256()
    for col in cols:
        digest.update(col.encode())
        digest.update("\x1f".join(df[col].astype("string").fillna("").tolist()).encode())
    return digest.hexdigest()[:16]
