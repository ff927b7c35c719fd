"""`linkclf report`: scored links -> a self-contained HTML audit report, one section per site."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from linkclf.cli._common import info, user_errors
from linkclf.disavow import DomainRule
from linkclf.errors import ConfigError, InputError
from linkclf.io import refuse_overwrite_input, write_text_atomic
from linkclf.report import read_scored_for_report, render_report
from linkclf.report.read import read_model_threshold

DEFAULT_MODEL = Path("models/default")


@user_errors
def command(
    scored: Path = typer.Argument(..., help="Scored CSV written by `linkclf score`."),
    output: Path = typer.Option(..., "-o", "--output", help="HTML file to write."),
    title: str = typer.Option(None, "--title", help="Page title (default: Backlink audit)."),
    threshold: float = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="Flag p_manipulative >= T (default: flag)."
    ),
    model: Path = typer.Option(
        DEFAULT_MODEL, "--model", help="Model directory that scored the file (for its threshold)."
    ),
    previous: Path = typer.Option(
        None,
        "--previous",
        help="An older export or scored CSV of the same site(s): adds what changed since then. "
        "A raw export is scored with --model.",
    ),
    site: list[str] = typer.Option(
        None, "--site", help="Only this target site (repeatable), e.g. --site example.nl."
    ),
    max_rows: int = typer.Option(50, "--max-rows", min=1, help="Rows per table."),
    max_sites: int = typer.Option(25, "--max-sites", min=1, help="Sites with a section each."),
    min_share: float = typer.Option(0.5, help="Disavow domain rule: share of its links flagged."),
    min_links: int = typer.Option(3, help="Disavow domain rule: links for the share to count."),
    sure_p: float = typer.Option(0.95, help="Disavow domain rule: max p enough below --min-links."),
) -> None:
    """Write a self-contained HTML audit report: an overview of every target site, then per
    site its profile risk against clean profiles, score histogram, top anchors, rel and link
    types, authority, TLDs, IP /24 clusters, new and lost referring domains per month,
    first-seen bursts, risky domains, kinds and disavow candidates.

    The page loads nothing; its one script (sorting and filtering tables) is allowed by its
    hash and no other script can run. Every anchor, title and URL is escaped, and no link
    in it leads off the page.

    Example:

        linkclf report scored.csv -o report.html --title "example.nl, March audit"
        linkclf report scored-march.csv --previous scored-february.csv -o report.html
    """
    if output.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(
            expected="an output name ending in .html",
            found=str(output),
            fix="name it e.g. report.html",
        )
    inputs = [str(scored)] + ([str(previous)] if previous else [])
    refuse_overwrite_input(output, inputs)
    rule = DomainRule(min_share=min_share, min_links=min_links, sure_p=sure_p)
    links = read_scored_for_report(scored)
    if site:
        links = _only_sites(links, site, str(scored))
    before = None
    if previous is not None:
        from linkclf.diff import read_links

        before, _ = read_links(previous, model_dir=model if model.is_dir() else None)
        info(f"previous export: {len(before):,} links from {previous}")
    html = render_report(
        links,
        title=title,
        threshold=threshold,
        rule=rule,
        max_rows=max_rows,
        source=scored.name,
        model_threshold=read_model_threshold(model, links),
        previous=before,
        max_sites=max_sites,
    )
    write_text_atomic(output, html)
    info(
        f"{len(links):,} scored links: wrote {output} ({len(html.encode('utf-8')) / 1024:,.0f} KiB)"
    )


def _only_sites(links: pd.DataFrame, sites: list[str], where: str) -> pd.DataFrame:
    """The rows whose target site (:func:`linkclf.domains.site`) is one of ``sites``."""
    from linkclf.domains import site as site_of
    from linkclf.report.tables import display_text, target_sites

    if "target_url" not in links.columns:
        raise InputError(
            expected="a target_url column to pick sites by",
            found="none",
            fix="drop --site",
            where=where,
        )
    wanted = {site_of(s) or s for s in sites}
    urls = display_text(links["target_url"])
    given = (
        display_text(links["target_site"])
        if "target_site" in links.columns
        else pd.Series("", index=links.index, dtype=object)
    )
    names = target_sites(urls, given)
    keep = names.isin(wanted).to_numpy()
    if not keep.any():
        raise InputError(
            expected=f"links to {', '.join(sorted(wanted))}",
            found=f"target sites such as {', '.join(sorted(set(names))[:5])}",
            fix="pass a --site that is in the file",
            where=where,
        )
    return links[keep].reset_index(drop=True)
