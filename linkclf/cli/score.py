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
    """Score every link of one or more exports; writes the rows with p_manipulative, flag, predicted_kind, reasons.

    flag is 1 for disavow candidates: p_manipulative at the model's threshold or above, and not
    nofollow/ugc/sponsored (those pass no ranking signal). Rows without a source or target URL,
    or with a placement/link type outside the schema, are refused with one line (fix or delete
    them and score again).

    Example: linkclf score ahrefs.tsv semrush.csv -o scored.csv --model models/default
    """
    from linkclf.io import refuse_overwrite_input
    from linkclf.model import LinkClassifier

    refuse_overwrite_input(output, inputs)
    clf = LinkClassifier.load(model)
    if not dask:
        # Bounded memory whatever the export's length: linkclf.stream.
        from linkclf.stream import score_files

        summary = score_files(clf, inputs, output, format=fmt, target=target, progress=info)
        info(
            f"wrote {output}: {summary.links:,} links, {summary.flagged:,} flagged at threshold "
            f"{clf.threshold_:.3f}"
        )
        return
    # The workers read the exports themselves, in blocks (linkclf.distributed).
    from linkclf.distributed import score_files_dask

    links, flagged = score_files_dask(
        model, inputs, output, dask, format=fmt, target=target, progress=info
    )
    info(f"wrote {output}: {links:,} links, {flagged:,} flagged at threshold {clf.threshold_:.3f}")
