"""`linkclf score`: read exports, score every link, write the scored table (streamed)."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
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
    workers: int = typer.Option(
        None,
        "-w",
        "--workers",
        min=1,
        help="Processes scoring at once on this machine [default: one per core, up to 2, for "
        "exports of 100k rows or more; else 1]. Each holds a model and a batch (~650 MB).",
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
    from linkclf.tables import format_of

    format_of(output)  # an unknown extension is refused before any work
    refuse_overwrite_input(output, inputs)
    model_dir = resolve_model(model)
    clf = LinkClassifier.load(model_dir)
    with _stdin_spooled(inputs) as paths:
        if dask:
            from linkclf.dask_scoring import score_files_dask

            with step("featurise, embed, score") as scoring:
                links, flagged = score_files_dask(
                    model_dir,
                    paths,
                    output,
                    dask,
                    format=fmt,
                    target=target,
                    progress=scoring.message,
                )
                scoring.update(links, links)
        else:
            from linkclf.stream import StreamRun

            # Streamed in bounded memory: read and spill by target site, score bucket by
            # bucket, merge back into input order while writing (linkclf.stream).
            with StreamRun(
                clf,
                paths,
                output,
                format=fmt,
                target=target,
                workers=workers,
                model_dir=model_dir,
            ) as run:
                with step("read", unit="links") as reading:
                    rows = run.read(progress=reading.message)
                    reading.update(rows, rows)
                info(f"read {rows:,} rows from {len(inputs)} file(s)")
                with step("featurise, embed, score", total=rows) as scoring:
                    links = run.score(progress=scoring.message)
                    scoring.update(links, links)
                with step("write", total=links) as writing:
                    run.write()
                    writing.update(links)
                flagged = run.summary.flagged
    shown = "stdout" if output == "-" else output
    info(f"wrote {shown}: {links:,} links, {flagged:,} flagged at threshold {clf.threshold_:.3f}")


@contextlib.contextmanager
def _stdin_spooled(inputs: list[str]) -> Iterator[list[str]]:
    """``inputs`` with standard input copied to a temp file named ``stdin`` (so ``seen_in``
    says stdin): the stream reads its inputs more than once and sizes its buckets by them.

    An error naming the temp file names ``stdin`` instead.
    """
    from linkclf.errors import LinkclfError
    from linkclf.opening import is_stdin

    if not any(is_stdin(p) for p in inputs):
        yield list(inputs)
        return
    folder = tempfile.mkdtemp(prefix="linkclf-stdin-")
    spooled = os.path.join(folder, "stdin")
    try:
        source = getattr(sys.stdin, "buffer", None)
        with open(spooled, "wb") as handle:
            if source is not None:
                shutil.copyfileobj(source, handle, 1 << 20)
            else:  # a text-only stdin (some test runners)
                handle.write(sys.stdin.read().encode("utf-8"))
        try:
            yield [spooled if is_stdin(p) else p for p in inputs]
        except LinkclfError as exc:
            if exc.where and spooled in exc.where:
                exc.where = exc.where.replace(spooled, "stdin")
                exc.args = (exc.one_line(),)
            raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
