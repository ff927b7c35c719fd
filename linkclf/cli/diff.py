"""`linkclf diff`: two exports of a site at two dates -> new, lost and kept links, bursts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import typer

from linkclf.cli._common import info, user_errors
from linkclf.errors import ConfigError

DEFAULT_MODEL = Path("models/default")


def _date(text: str | None, option: str) -> pd.Timestamp | None:
    if not text:
        return None
    try:
        return pd.Timestamp(datetime.strptime(text, "%Y-%m-%d")).tz_localize("UTC")
    except ValueError:
        raise ConfigError(
            expected=f"{option} as YYYY-MM-DD",
            found=repr(text),
            fix=f"pass e.g. {option} 2025-03-01",
        ) from None


@user_errors
def command(
    old: Path = typer.Argument(..., help="The older export (raw, any format, or scored CSV)."),
    new: Path = typer.Argument(..., help="The newer export of the same site(s)."),
    output: Path = typer.Option(..., "-o", "--output", help="CSV to write: one row per link."),
    domains_out: Path = typer.Option(
        None,
        "--domains",
        help="CSV of new and lost referring domains (default: next to -o, '.domains.csv').",
    ),
    model: Path = typer.Option(
        DEFAULT_MODEL, "--model", help="Model that scores raw exports (scored CSVs are kept)."
    ),
    no_score: bool = typer.Option(
        False, "--no-score", help="Do not score raw exports: no scores, no burst check."
    ),
    fmt: str = typer.Option(None, "--format", help="Override format detection for both files."),
    target: str = typer.Option(
        None, "--target", help="Target site for exports without a target column (Search Console)."
    ),
    old_date: str = typer.Option(
        None, "--old-date", help="Date of OLD (default: its latest first/last-seen date)."
    ),
    new_date: str = typer.Option(
        None, "--new-date", help="Date of NEW (default: its latest first/last-seen date)."
    ),
    fail_on_burst: bool = typer.Option(
        False, "--fail-on-burst", help="Exit with code 3 when a burst is reported (for cron)."
    ),
) -> None:
    """Compare two exports of the same site(s) taken at two dates.

    Writes one row per link (a source URL linking to the target site) with change = new,
    lost or kept; a kept link whose anchor, target page, rel or link type changed lists those
    fields in `changed`. Also writes the new and lost referring domains with their scores, and
    prints a burst verdict per site: an alert when the new referring domains with a flagged link
    exceed what the site's first-seen history makes plausible (Poisson tail < 0.001, and at
    least 3 such domains).

    Example:

        linkclf diff ahrefs-2025-02.tsv ahrefs-2025-03.tsv -o diff.csv
    """
    from linkclf.diff import DOMAIN_COLUMNS, LINK_COLUMNS, diff_links, read_links
    from linkclf.io import refuse_overwrite_input, write_csv_atomic

    if domains_out is None:
        domains_out = output.with_name(output.stem + ".domains.csv")
    inputs = [str(old), str(new)]
    refuse_overwrite_input(output, inputs)
    refuse_overwrite_input(domains_out, inputs)
    when_old, when_new = _date(old_date, "--old-date"), _date(new_date, "--new-date")
    model_dir = None if no_score else model
    before, scored_before = read_links(old, model_dir=model_dir, fmt=fmt, target=target)
    info(f"{old}: {len(before):,} links")
    after, scored_after = read_links(new, model_dir=model_dir, fmt=fmt, target=target)
    info(f"{new}: {len(after):,} links")
    result = diff_links(
        before, after, old_date=when_old, new_date=when_new, scored=scored_before and scored_after
    )
    write_csv_atomic(result.links[list(LINK_COLUMNS)], output)
    write_csv_atomic(result.domains[list(DOMAIN_COLUMNS)], domains_out)
    c = result.counts()
    info(
        f"wrote {output}: {c['new']:,} new, {c['lost']:,} lost, {c['kept']:,} kept links "
        f"({c['changed']:,} changed); {domains_out}: {c['new_domains']:,} new and "
        f"{c['lost_domains']:,} lost referring domains"
    )
    if not result.scored:
        typer.echo("burst check: not done (scores absent: pass a model or scored CSVs)")
    elif not result.bursts:
        typer.echo("burst check: not done (no dates: pass --old-date and --new-date)")
    for burst in result.bursts:
        typer.echo(burst.describe())
    if fail_on_burst and any(b.alert for b in result.bursts):
        raise typer.Exit(code=3)
