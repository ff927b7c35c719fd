"""MLflow: the only module that imports it.

Every training run logs its params, metrics, plots and the model directory; the model is
registered and promoted with aliases (``challenger`` -> ``champion``) only when it wins on
held-out data. The default store is ``sqlite:///mlflow.db`` in the working directory (MLflow's
own default); ``MLFLOW_TRACKING_URI`` points elsewhere.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_URI = "sqlite:///mlflow.db"
EXPERIMENT = "linkclf"


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_URI


def _mlflow() -> Any:
    import mlflow

    # MLflow logs table creation at INFO on every fresh store; keep stderr for our own progress.
    # (Set after the import: mlflow configures its logger when imported.)
    for name in ("mlflow", "alembic", "mlflow.store.db.utils", "mlflow.tracking.fluent"):
        logging.getLogger(name).setLevel(logging.WARNING)

    mlflow.set_tracking_uri(tracking_uri())
    return mlflow


def _sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI (None for other stores or in-memory)."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return None
    path = uri[len(prefix) :].split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


@contextlib.contextmanager
def store_lock() -> Iterator[None]:
    """Hold a file lock beside a SQLite store while creating or changing what all runs share.

    Two ``train`` runs starting at once on a new store both ran MLflow's alembic migrations and
    both created the experiment: one failed with a traceback and the store could be left
    half-migrated. Under this lock the first run creates the store and the experiment, the
    second finds them. Other stores (a tracking server) serialise on their own.
    """
    db = _sqlite_path(tracking_uri())
    if db is None:
        yield
        return
    from filelock import FileLock

    db.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(db) + ".lock", timeout=600):
        yield


@contextlib.contextmanager
def run(name: str, params: dict[str, Any], tags: dict[str, str] | None = None) -> Iterator[Any]:
    """Start a run in the ``linkclf`` experiment and log flattened params."""
    mlflow = _mlflow()
    with store_lock():  # the first use creates the store's tables and the experiment
        mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=name, tags=tags or {}) as active:
        mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        yield active


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
    with store_lock():  # two runs registering the first version must not both create the model
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
