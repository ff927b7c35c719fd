"""`linkclf explain`: the reasons behind each link's score."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    inputs: list[str] = typer.Argument(
        ..., help="Export(s) to explain (as for score: CSV/TSV, .csv.gz, .zip, .xlsx, -)."
    ),
    model: Path = typer.Option(
        None,
        "-m",
        "--model",
        help="Model directory [default: $LINKCLF_MODEL, else the model installed with linkclf].",
    ),
    top: int = typer.Option(3, "--top", help="Reasons per link."),
    limit: int = typer.Option(
        20, "-n", "--limit", help="Links to show, highest score first (0 = all)."
    ),
    output: str = typer.Option(
        None,
        "-o",
        "--output",
        help="Write every link with its reasons and contributions per signal family "
        "(.csv, .csv.gz, .parquet, .jsonl, - for stdout).",
    ),
    fmt: str = typer.Option(None, "-f", "--format", help="Override format detection."),
    target: str = typer.Option(
        None,
        "-t",
        "--target",
        help="Target site for Search Console exports (no target column).",
    ),
    url: list[str] = typer.Option(
        None,
        "-u",
        "--url",
        help="Only links whose source URL contains this text (repeat for several).",
    ),
) -> None:
    """Show per-link reasons from LightGBM feature contributions, grouped by signal family.

    Profile features use the whole export; --url only chooses which links are shown and written.

    Example: linkclf explain datasets/samples/ahrefs-sample.tsv --limit 10

    One page: linkclf explain gsc.csv --target https://example.nl/ --url forum.example -o why.csv
    """
    import numpy as np
    import pandas as pd

    from linkclf.errors import InputError
    from linkclf.explain import family_contributions, top_reasons
    from linkclf.io import refuse_overwrite_input
    from linkclf.model import LinkClassifier
    from linkclf.modelpath import resolve_model
    from linkclf.profiles import featurise
    from linkclf.schema import conform
    from linkclf.sources import read_exports
    from linkclf.tables import format_of, write_table

    if output:
        format_of(output)
        refuse_overwrite_input(output, inputs)
    clf = LinkClassifier.load(resolve_model(model))
    links = conform(read_exports(inputs, format=fmt, target=target))
    if links.empty:
        raise InputError(
            expected="an export with at least one link row",
            found="a header line and no rows",
            fix="export the report again with its rows",
            where=", ".join(inputs),
        )
    # Profile features need the whole export; TreeSHAP (the costly part) only the rows shown.
    X = featurise(clf.builder(), links)
    p = clf.p_manipulative(X).round(4)
    wanted = np.ones(len(links), dtype=bool)
    if url:
        sources = links["source_url"].astype("string").fillna("")
        wanted = np.zeros(len(links), dtype=bool)
        for text in url:
            wanted |= sources.str.contains(text, regex=False).to_numpy(dtype=bool)
        if not wanted.any():
            raise InputError(
                expected=f"links whose source URL contains {' or '.join(map(repr, url))}",
                found=f"none among {len(links):,} links",
                fix="check the --url text (a part of the linking page's URL)",
                where=", ".join(inputs),
            )
    candidates = np.flatnonzero(wanted)
    order = candidates[np.argsort(-p[candidates], kind="stable")]
    if not output and limit:
        order = order[:limit]
    rows = X.iloc[order]
    contributions = clf.contributions(rows)
    reasons = top_reasons(contributions, rows, links.iloc[order], k=top)
    table = pd.DataFrame(
        {
            "source_url": links["source_url"].iloc[order].to_numpy(),
            "target_url": links["target_url"].iloc[order].to_numpy(),
            "anchor": links["anchor"].iloc[order].to_numpy(),
            "p_manipulative": p[order],
            "reasons": ["; ".join(r) for r in reasons],
        }
    )
    if output:
        families = family_contributions(contributions).reset_index(drop=True)
        write_table(pd.concat([table, families], axis=1), output)
        info(f"wrote {'stdout' if output == '-' else output}")
        if output == "-":
            return  # stdout holds the table; the summary would corrupt it
    shown = table if limit == 0 else table.head(limit)
    for source, anchor, p, why in zip(
        shown["source_url"], shown["anchor"], shown["p_manipulative"], shown["reasons"], strict=True
    ):
        # Anchors are written by spammers: strip control characters (terminal escape sequences).
        typer.echo(f"{p:.3f}  {_printable(source)}  [{_printable(anchor)}]\n        {why or '-'}")


def _printable(value: object) -> str:
    text = "" if value is None or value != value else str(value)
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
