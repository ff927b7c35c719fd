"""Dask: one place that knows how to get a client and grow trees on a cluster.

Scoring partitions are whole target profiles (linkclf.pipeline); training grows the booster with
LightGBM's Dask estimator. LightGBM's Dask API has no early stopping, so the booster is grown for
the full schedule while the validation loss is recorded, then cut at the best iteration: the
same model early stopping would have returned, without a second pass.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd


@contextlib.contextmanager
def dask_client(scheduler: str, n_workers: int = 2) -> Iterator[Any]:
    """A client for ``scheduler`` (an address such as tcp://host:8786), or for a LocalCluster on
    this machine when ``scheduler`` is "local"."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        with (
            LocalCluster(
                n_workers=n_workers, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
    else:
        with Client(scheduler) as client:
            yield client


def fit_booster_dask(
    client: Any,
    X_train: pd.DataFrame,
    y_train: np.ndarray,
    X_valid: pd.DataFrame,
    y_valid: np.ndarray,
    params: dict[str, Any],
    num_boost_round: int,
) -> lgb.Booster:
    """Grow a binary booster on the cluster; return it cut at the best validation iteration."""
    import dask.dataframe as dd

    n_workers = max(len(client.scheduler_info()["workers"]), 1)
    partitions = max(n_workers, len(X_train) // 50_000)
    dX = dd.from_pandas(X_train.reset_index(drop=True), npartitions=partitions)
    dy = dd.from_pandas(pd.Series(y_train, name="label"), npartitions=partitions)
    dXv = dd.from_pandas(
        X_valid.reset_index(drop=True), npartitions=max(1, min(partitions, n_workers))
    )
    dyv = dd.from_pandas(pd.Series(y_valid, name="label"), npartitions=dXv.npartitions)
    # Each worker's threads are LightGBM's; num_threads would be ignored with a warning.
    skip = ("objective", "num_threads", "n_jobs", "verbose")
    est_params = {k: v for k, v in params.items() if k not in skip}
    est = lgb.DaskLGBMClassifier(
        client=client, n_estimators=num_boost_round, verbose=-1, **est_params
    )
    est.fit(dX, dy, eval_X=(dXv,), eval_y=(dyv,), eval_metric="binary_logloss")
    booster = est.booster_
    curve = next(iter(next(iter(est.evals_result_.values())).values()))
    best = int(np.argmin(curve)) + 1 if len(curve) else booster.current_iteration()
    return lgb.Booster(model_str=booster.model_to_string(num_iteration=best))
