"""`linkclf train`: a thin wrapper over linkclf.train.train."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    data: list[str] = typer.Option(
        None, "-d", "--data", help="Labelled CSV(s); default: the config's data.paths."
    ),
    config: Path = typer.Option(
        None,
        "-c",
        "--config",
        help="Training config (TOML), checked against linkclf.config.DEFAULTS; "
        "default: those defaults (what training/default.toml restates).",
    ),
    out: Path = typer.Option(
        Path("models/default"), "-o", "--out", "--output", help="Model directory to install into."
    ),
    set_: list[str] = typer.Option(
        None, "--set", help="Override a config value: section.key=value."
    ),
    review: list[str] = typer.Option(
        None, "--review", help="Filled-in review sheet(s): label scored --data files by decision."
    ),
    dask: str = typer.Option(
        None, "--dask", help="Grow the trees on Dask: a scheduler address, or 'local'."
    ),
    force: bool = typer.Option(
        False, "--force", help="Install even if the current model is better."
    ),
) -> None:
    """Train a model on labelled links, track it in MLflow, install it if it is better.

    Example: linkclf train --data datasets/default/links.csv.gz -o models/default

    Retrain on your audit: linkclf train --data datasets/default/links.csv.gz --data scored.csv --review review.csv
    """
    from linkclf.config import load_config
    from linkclf.tracking import tracking_uri
    from linkclf.train import train

    # The config given, or the packaged defaults: never a file that happens to be in the cwd.
    cfg = load_config(config, set_ or [])
    if not data:
        _refuse_missing_default_data(list(cfg["data"]["paths"]))
    result = train(
        cfg,
        data_paths=data or None,
        out=out,
        reviews=review or None,
        force=force,
        dask=dask,
        tracking_uri=tracking_uri(),
        progress=info,
    )
    test = result.metrics["test"]
    info(
        f"model: {result.model_dir} ({'installed' if result.promoted else 'not installed'}); "
        f"test ROC-AUC {test['roc_auc']:.3f}, PR-AUC {test['pr_auc']:.3f}; MLflow run {result.run_id}, "
        f"registered version {result.version}"
    )


def _refuse_missing_default_data(paths: list[str]) -> None:
    """Without --data, the config's paths are relative to the checkout: outside it, say what to
    pass instead of "no such file" (labelled data is not part of the installed package)."""
    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        from linkclf.errors import InputError

        raise InputError(
            expected="labelled links to train on (--data FILE, or the config's data.paths)",
            found=f"no --data, and {missing[0]} (the default) is not in {Path.cwd()}",
            fix="pass --data LABELLED.csv (format: datasets/labelled-example.csv in the "
            "repository), run from a linkclf checkout, or simulate data first: "
            "linkclf simulate -o sim && linkclf train --data sim/links.csv.gz -o my-model",
        )
