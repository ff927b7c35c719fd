"""`linkclf evaluate`: grouped held-out figures with baselines and confidence intervals."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    model: Path = typer.Option(
        None,
        "-m",
        "--model",
        help="Model directory [default: $LINKCLF_MODEL, else the model installed with linkclf].",
    ),
    data: list[str] = typer.Option(
        None, "--data", help="Labelled CSV(s); default: the model's training data."
    ),
    output: Path = typer.Option(None, "-o", "--output", help="Write all figures as JSON here."),
) -> None:
    """Evaluate a model on labelled data (grouped by referring domain), with baselines, logged to MLflow.

    Example: linkclf evaluate --model models/default -o metrics.json
    """
    from linkclf import tracking
    from linkclf.evaluate import evaluate, format_table
    from linkclf.io import write_text_atomic
    from linkclf.model import LinkClassifier
    from linkclf.modelpath import resolve_model
    from linkclf.plots import reliability_figure

    model = resolve_model(model)

    if not data:
        data = LinkClassifier.load(model).meta_.get("training", {}).get("data", [])
    result = evaluate(model, list(data), progress=info)
    typer.echo(format_table(result))
    with tracking.run(
        f"evaluate-{model.name}",
        {"model": str(model), "data": ",".join(data)},
        tags={"kind": "evaluate"},
        uri=tracking.tracking_uri(),
    ):
        tracking.log_metrics(result["test"], prefix="test_")
        for key in ("baseline_rules", "baseline_no_embeddings"):
            if key in result:
                tracking.log_metrics(result[key], prefix=f"{key}_")
        tracking.log_dict(result, "evaluation.json")
        tracking.log_figure(reliability_figure(result), "reliability.png")
    if output:
        write_text_atomic(output, json.dumps(result, indent=2, default=str))
        info(f"wrote {output}")
