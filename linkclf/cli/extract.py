"""`linkclf extract`: saved HTML pages -> a canonical link export that `linkclf score` reads."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    pages: list[Path] = typer.Argument(..., help="Saved pages (.html, .htm, .html.gz)."),
    output: Path = typer.Option(..., "-o", "--output", help="Canonical link CSV to write."),
    url: str = typer.Option(
        None,
        "--url",
        help="The page's address (one page only); default: its rel=canonical or og:url.",
    ),
    all_links: bool = typer.Option(
        False, "--all", help="Keep links to the page's own site too (default: outbound only)."
    ),
) -> None:
    """Extract the links of saved pages: anchor, text left and right, rel flags, link type,
    placement (content, nav, header, footer, sidebar, comment), title, language and the page's
    link counts, one canonical row per link. Fills in what Search Console exports lack.

    Example: linkclf extract saved/*.html.gz -o links.csv && linkclf score links.csv -o scored.csv
    """
    from linkclf.errors import InputError
    from linkclf.extract import extract_pages
    from linkclf.io import refuse_overwrite_input, write_csv_atomic

    refuse_overwrite_input(output, [str(p) for p in pages])
    if url and len(pages) > 1:
        raise InputError(
            expected="--url with a single page",
            found=f"{len(pages)} pages",
            fix="run linkclf extract once per page with --url, or drop --url",
            where="--url",
        )
    links = extract_pages(pages, {str(pages[0]): url} if url else None, all_links=all_links)
    write_csv_atomic(links, output)
    info(f"wrote {output}: {len(links):,} links from {len(pages)} page(s)")
