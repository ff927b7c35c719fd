"""`linkclf score`: read exports, score every link, write a CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    inputs: list[str] = typer.Argument(
        ..., help="One or more exports (Ahrefs, Semrush, Majestic, Moz, GSC, canonical)."
    ),
    output: Path = typer.Option(..., "-o", "--output", help="Scored CSV to write."),
    model: Path = typer.Option(Path("models/default"), "--model", help="Model directory."),
    fmt: str = typer.Option(
        None,
        "--format",
        help="Override format detection (ahrefs, semrush, majestic, moz, gsc, canonical).",
    ),
    target: str = typer.Option(
        None, "--target", help="Target site for exports without a target column (Search Console)."
    ),
    dask: str = typer.Option(
        None, "--dask", help="Score on Dask: a scheduler address, or 'local'."
    ),
) -> None:
    """Score every link of one or more exports; writes the rows with p_manipulative, flag, kind, reasons.

    Example: linkclf score ahrefs.tsv semrush.csv -o scored.csv --model models/default
    """
    from linkclf.io import refuse_overwrite_input, write_csv_atomic
    from linkclf.model import LinkClassifier
    from linkclf.pipeline import score_links, score_links_dask
    from linkclf.sources import read_exports

    refuse_overwrite_input(output, inputs)
    clf = LinkClassifier.load(model)
    links = read_exports(inputs, format=fmt, target=target)
    info(f"read {len(links):,} distinct links from {len(inputs)} file(s)")
    if dask:
        scored = score_links_dask(model, links, dask, progress=info)
    else:
        scored = score_links(clf, links, progress=info)
    # Names the model in every row, so disavow headers and later audits can say what scored them.
    scored["model"] = clf.version_label()
    write_csv_atomic(scored, output)
    flagged = int(scored["flag"].sum())
    info(
        f"wrote {output}: {len(scored):,} links, {flagged:,} flagged at threshold {clf.threshold_:.3f}"
    )
