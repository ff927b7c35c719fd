"""`linkclf explain`: the reasons behind each link's score."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    inputs: list[str] = typer.Argument(..., help="Export(s) to explain."),
    model: Path = typer.Option(Path("models/default"), "--model", help="Model directory."),
    top: int = typer.Option(3, "--top", help="Reasons per link."),
    limit: int = typer.Option(20, "--limit", help="Links to show, highest score first (0 = all)."),
    output: Path = typer.Option(
        None, "-o", "--output", help="Write a CSV of all links and reasons."
    ),
    fmt: str = typer.Option(None, "--format", help="Override format detection."),
) -> None:
    """Show per-link reasons from LightGBM feature contributions, grouped by signal family.

    Example: linkclf explain datasets/samples/ahrefs-sample.tsv --limit 10
    """
    import numpy as np
    import pandas as pd

    from linkclf.explain import top_reasons
    from linkclf.io import refuse_overwrite_input, write_csv_atomic
    from linkclf.model import LinkClassifier
    from linkclf.profiles import featurise
    from linkclf.schema import conform
    from linkclf.sources import read_exports

    if output:
        refuse_overwrite_input(output, inputs)
    clf = LinkClassifier.load(model)
    links = conform(read_exports(inputs, format=fmt))
    if links.empty:
        from linkclf.errors import InputError

        raise InputError(
            expected="an export with at least one link row",
            found="a header line and no rows",
            fix="export the report again with its rows",
            where=", ".join(inputs),
        )
    # Profile features need the whole export; TreeSHAP (the costly part) only the rows shown.
    X = featurise(clf.builder(), links)
    p = clf.p_manipulative(X).round(4)
    order = np.argsort(-p, kind="stable")
    if not output and limit:
        order = order[:limit]
    rows = X.iloc[order]
    reasons = top_reasons(clf.contributions(rows), rows, links.iloc[order], k=top)
    table = pd.DataFrame(
        {
            "source_url": links["source_url"].iloc[order],
            "anchor": links["anchor"].iloc[order],
            "p_manipulative": p[order],
            "reasons": ["; ".join(r) for r in reasons],
        }
    )
    if output:
        write_csv_atomic(table, output)
        info(f"wrote {output}")
    shown = table if limit == 0 else table.head(limit)
    for source, anchor, p, why in zip(
        shown["source_url"], shown["anchor"], shown["p_manipulative"], shown["reasons"], strict=True
    ):
        # Anchors are written by spammers: strip control characters (terminal escape sequences).
        typer.echo(f"{p:.3f}  {_printable(source)}  [{_printable(anchor)}]\n        {why or '-'}")


def _printable(value: object) -> str:
    text = "" if value is None or value != value else str(value)
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
