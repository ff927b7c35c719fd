"""`linkclf disavow`: scored links -> a Google-valid disavow file merged with yours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from linkclf import inputfile
from linkclf.cli._common import info, user_errors
from linkclf.disavow import (
    Allowlist,
    DomainRule,
    MergeResult,
    build_candidates,
    check_bytes,
    default_allowlist,
    merge,
    render,
    render_parts,
    review_frame,
)
from linkclf.disavow.read import (
    MAX_TEXT_BYTES,
    model_name,
    read_allowlist,
    read_disavow,
    read_scored,
)
from linkclf.errors import ConfigError, DisavowError
from linkclf.io import refuse_overwrite_input, write_csv_atomic, write_text_atomic

#: Lines of repairs / notices printed before "... and N more".
_MAX_SHOWN = 20


@user_errors
def command(
    scored: list[Path] = typer.Argument(  # noqa: B008
        None, help="Scored CSV(s) written by `linkclf score`.", show_default=False
    ),
    output: Path = typer.Option(None, "-o", "--output", help="Disavow file to write (.txt)."),
    existing: Path = typer.Option(
        None, "--existing", help="Your current disavow file: every line of it is kept."
    ),
    allow: Path = typer.Option(
        None, "--allow", help="Never-disavow list (own domains): one domain per line."
    ),
    no_default_allow: bool = typer.Option(
        False, "--no-default-allow", help="Do not apply linkclf's default allowlist."
    ),
    threshold: float = typer.Option(
        None, "--threshold", min=0.0, max=1.0, help="Flag p_manipulative >= T (default: flag)."
    ),
    review: Path = typer.Option(None, "--review", help="Write the review sheet (CSV) here."),
    split: bool = typer.Option(
        False, "--split", help="Above Google's limits, write NAME-1.txt, NAME-2.txt, ..."
    ),
    min_share: float = typer.Option(0.5, help="Domain rule: share of its links flagged."),
    min_links: int = typer.Option(3, help="Domain rule: links needed for the share to count."),
    sure_p: float = typer.Option(0.95, help="Domain rule: max p enough below --min-links."),
    model: str = typer.Option(None, "--model-name", help="Model named in the header."),
    date: str = typer.Option(None, "--date", help="Date for the header, YYYY-MM-DD."),
    check: Path = typer.Option(
        None, "--check", help="Only validate this disavow file; exit 1 if Google would reject it."
    ),
    allow_deactivate: bool = typer.Option(
        False,
        "--allow-deactivate",
        help="Write the file even if lines of --existing that disavowed something become comments.",
    ),
) -> None:
    """Write disavow candidates merged with your existing file, and a review sheet.

    A referring domain becomes a domain: line when most of its links are flagged
    (--min-share) and it has --min-links links or one link with p >= --sure-p; otherwise each
    flagged page becomes a URL line. Your --existing file is kept line for line (lines Google
    would reject are fixed or commented out, and reported); the allowlist always wins.

    Example:

        linkclf disavow scored.csv --existing old.txt -o disavow.txt --review review.csv

        linkclf disavow --check disavow.txt
    """
    if check is not None:
        if scored or output is not None:
            raise ConfigError(
                expected="--check FILE on its own",
                found="scored files or -o as well",
                fix="run the check and the merge as two commands",
            )
        _check(check)
        return
    if not scored or output is None:
        raise ConfigError(
            expected="scored CSV(s) and -o disavow.txt (or --check FILE)",
            found="no scored file" if not scored else "no -o",
            fix="e.g. linkclf disavow scored.csv -o disavow.txt",
        )
    if output.suffix.lower() != ".txt":
        raise DisavowError(
            expected="an output name ending in .txt (Google accepts only .txt)",
            found=str(output),
            fix="name it e.g. disavow.txt",
        )
    inputs = [str(p) for p in scored] + [str(p) for p in (existing, allow) if p is not None]
    refuse_overwrite_input(output, inputs)
    if review is not None:
        refuse_overwrite_input(review, [*inputs, str(output)])
    today = _date(date)
    rule = DomainRule(min_share=min_share, min_links=min_links, sure_p=sure_p)

    # Read and compute everything first: on any error nothing is written.
    links = read_scored(scored, need_flag=threshold is None)
    allowlist = Allowlist() if no_default_allow else default_allowlist()
    if allow is not None:
        allowlist = allowlist + read_allowlist(allow)
    text, notes = read_disavow(existing) if existing is not None else ("", [])
    candidates = build_candidates(links, rule, threshold)
    result = merge(
        text,
        candidates,
        allowlist,
        model=model or model_name(links) or "unnamed (pass --model-name)",
        threshold=threshold,
        today=today,
        sources=[p.name for p in scored],
    )
    if not allow_deactivate:
        _refuse_deactivation(result, existing)
    if split:
        parts = render_parts(result.entries)
    else:
        parts = [render(result.entries, where=str(output))]
    targets = (
        [output]
        if len(parts) == 1
        else [
            output.with_name(f"{output.stem}-{i}{output.suffix}") for i in range(1, len(parts) + 1)
        ]
    )
    for target in targets[1:] if len(targets) > 1 else []:
        refuse_overwrite_input(target, inputs)

    for target, part in zip(targets, parts, strict=True):
        write_text_atomic(target, part)
    if review is not None:
        write_csv_atomic(review_frame(result.outcomes), review)
    _summary(result, notes, existing, targets, review, len(links))


def _refuse_deactivation(result: MergeResult, existing: Path | None) -> None:
    """Stop before writing when lines of the user's file that disavowed something would not."""
    lost = [change for change in result.changes if change.deactivates]
    if not lost:
        return
    shown = "; ".join(f"line {c.lineno} {c.original.strip()[:80]!r}" for c in lost[:5])
    more = f" and {len(lost) - 5} more" if len(lost) > 5 else ""
    raise DisavowError(
        expected="every disavow line of your file to stay active",
        found=f"{len(lost)} line(s) Google would reject, to be commented out: {shown}{more}",
        fix="fix them in your file, or pass --allow-deactivate to write them as comments",
        where=str(existing),
    )


def _check(path: Path) -> None:
    data = inputfile.read_bytes(path, "a disavow file (.txt)", MAX_TEXT_BYTES)
    inputfile.refuse_container(data[:16], str(path), "a disavow file (.txt)")
    report = check_bytes(data, str(path))
    for problem in report.problems:
        typer.echo(problem.describe(str(path)))
    verdict = "Google would reject it" if report.errors else "valid for Google"
    info(
        f"{path}: {report.n_lines:,} lines, {report.n_bytes:,} bytes, "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings: {verdict}"
    )
    if report.errors:
        raise typer.Exit(code=1)


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            expected="--date as YYYY-MM-DD", found=repr(text), fix="e.g. --date 2025-01-31"
        ) from None


def _summary(
    result: MergeResult,
    notes: list[str],
    existing: Path | None,
    targets: list[Path],
    review: Path | None,
    n_links: int,
) -> None:
    """What was repaired, added, covered and held back: on stderr, results are in the files."""
    where = str(existing) if existing is not None else "existing file"
    for note in notes:
        info(f"{where}: {note}")
    if result.changes:
        info(f"{where}: {len(result.changes)} lines fixed or commented out for Google:")
        for change in result.changes[:_MAX_SHOWN]:
            info(f"  {change.describe()}")
        if len(result.changes) > _MAX_SHOWN:
            info(f"  ... and {len(result.changes) - _MAX_SHOWN} more")
    for notice in result.notices[:_MAX_SHOWN]:
        info(f"{where}: {notice}")
    if len(result.notices) > _MAX_SHOWN:
        info(f"{where}: ... and {len(result.notices) - _MAX_SHOWN} more lines on the allowlist")
    added = result.added
    n_domains = sum(c.level == "domain" for c in added)
    info(
        f"{n_links:,} scored links: added {n_domains} domain and {len(added) - n_domains} URL"
        f" lines; {len(result.covered)} already covered; {len(result.held_back)} held back"
    )
    for outcome in result.held_back[:_MAX_SHOWN]:
        info(f"  held back ({outcome.detail}): {outcome.candidate.line}")
    if len(result.held_back) > _MAX_SHOWN:
        info(f"  ... and {len(result.held_back) - _MAX_SHOWN} more (see the review sheet)")
    info("wrote " + ", ".join(str(t) for t in targets) + (f" and {review}" if review else ""))
