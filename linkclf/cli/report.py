"""`linkclf report`: scored links -> a self-contained HTML audit report."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors
from linkclf.disavow import DomainRule
from linkclf.errors import ConfigError
from linkclf.io import refuse_overwrite_input, write_text_atomic
from linkclf.report import read_scored_for_report, render_report


@user_errors
def command(
    scored: Path = typer.Argument(..., help="Scored CSV written by `linkclf score`."),
    output: Path = typer.Option(..., "-o", "--output", help="HTML file to write."),
    title: str = typer.Option(None, "--title", help="Page title (default: Backlink audit)."),
    threshold: float = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="Flag p_manipulative >= T (default: flag)."
    ),
    max_rows: int = typer.Option(50, "--max-rows", min=1, help="Rows per table."),
    min_share: float = typer.Option(0.5, help="Disavow domain rule: share of its links flagged."),
    min_links: int = typer.Option(3, help="Disavow domain rule: links for the share to count."),
    sure_p: float = typer.Option(0.95, help="Disavow domain rule: max p enough below --min-links."),
) -> None:
    """Write a self-contained HTML audit report: summary, score histogram, anchor types,
    risky referring domains, first-seen bursts, kinds and disavow candidates.

    The page loads nothing and runs no script (a Content-Security-Policy forbids both); every
    anchor, title and URL is escaped, and no link in it is clickable.

    Example:

        linkclf report scored.csv -o report.html --title "example.nl, March audit"
    """
    if output.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(
            expected="an output name ending in .html",
            found=str(output),
            fix="name it e.g. report.html",
        )
    refuse_overwrite_input(output, [str(scored)])
    rule = DomainRule(min_share=min_share, min_links=min_links, sure_p=sure_p)
    links = read_scored_for_report(scored)
    html = render_report(
        links,
        title=title,
        threshold=threshold,
        rule=rule,
        max_rows=max_rows,
        source=scored.name,
    )
    write_text_atomic(output, html)
    info(
        f"{len(links):,} scored links: wrote {output} ({len(html.encode('utf-8')) / 1024:,.0f} KiB)"
    )
