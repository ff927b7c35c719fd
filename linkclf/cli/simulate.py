"""`linkclf simulate`: a thin wrapper over linkclf.datasets.build.build."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    out: Path = typer.Option(
        ..., "-o", "--out", help="Directory for links.csv.gz and MANIFEST.json."
    ),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed gives identical files."),
    targets: int = typer.Option(300, "--targets", help="Number of simulated target sites."),
    samples: Path = typer.Option(
        None, "--samples", help="Also write demo vendor exports (seed + 1, unseen sites) here."
    ),
    example: Path = typer.Option(
        None, "--example", help="Also write a small labelled CSV in the documented format here."
    ),
) -> None:
    """Simulate labelled link profiles (deterministic for a seed) and write them as a dataset.

    Example: linkclf simulate --seed 7 -o datasets/default --samples datasets/samples
    """
    from linkclf.datasets.build import build

    result = build(seed, out, n_targets=targets, samples=samples, example=example, progress=info)
    labels = result.links["label"]
    info(
        f"done: {len(labels):,} links, {int(labels.sum()):,} manipulative "
        f"({labels.mean():.1%}); files: {', '.join(str(p) for p in result.files)}"
    )
