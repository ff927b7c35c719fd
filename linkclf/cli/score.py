"""`linkclf score`: read exports, score every link, write the scored table."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    inputs: list[str] = typer.Argument(
        ...,
        help="One or more exports (Ahrefs, Semrush, Majestic, Moz, GSC, canonical): CSV/TSV, "
        ".csv.gz, .zip with one export, .xlsx; - reads stdin.",
    ),
    output: str = typer.Option(
        ...,
        "-o",
        "--output",
        help="Scored table to write: .csv, .csv.gz, .parquet, .jsonl, or - for CSV on stdout.",
    ),
    model: Path = typer.Option(
        None,
        "-m",
        "--model",
        help="Model directory [default: $LINKCLF_MODEL, else the model installed with linkclf].",
    ),
    fmt: str = typer.Option(
        None,
        "-f",
        "--format",
        help="Override format detection (ahrefs, semrush, majestic, moz, gsc, canonical).",
    ),
    target: str = typer.Option(
        None,
        "-t",
        "--target",
        help="Target site for Search Console exports (no target column); not needed when the "
        "other exports name one target site.",
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

    Example: linkclf score ahrefs.tsv semrush.xlsx -o scored.csv

    Piped: gunzip -c export.csv.gz | linkclf score - -o - > scored.csv
    """
    from linkclf.cli.progress import step
    from linkclf.io import refuse_overwrite_input
    from linkclf.model import LinkClassifier
    from linkclf.modelpath import resolve_model
    from linkclf.pipeline import score_links, score_links_dask
    from linkclf.scored import MODEL_COLUMN, check_scorable, write_scored
    from linkclf.sources import read_exports
    from linkclf.tables import format_of

    format_of(output)  # an unknown extension is refused before any work
    refuse_overwrite_input(output, inputs)
    model_dir = resolve_model(model)
    clf = LinkClassifier.load(model_dir)
    with step("read", unit="links") as reading:
        links = read_exports(inputs, format=fmt, target=target)
        check_scorable(links)  # before any progress line: a refusal is one line
        reading.update(len(links), len(links))
    info(f"read {len(links):,} distinct links from {len(inputs)} file(s)")
    with step("featurise, embed, score", total=len(links)) as scoring:
        if dask:
            scored = score_links_dask(model_dir, links, dask, progress=scoring.message)
        else:
            scored = score_links(clf, links, progress=scoring.message)
        scoring.update(len(scored), len(scored))
    # Names the model in every row, so disavow headers and later audits can say what scored them.
    scored[MODEL_COLUMN] = clf.version_label()
    with step("write", total=len(scored)) as writing:
        write_scored(scored, output)
        writing.update(len(scored))
    flagged = int(scored["flag"].sum())
    shown = "stdout" if output == "-" else output
    info(
        f"wrote {shown}: {len(scored):,} links, {flagged:,} flagged at threshold {clf.threshold_:.3f}"
    )
