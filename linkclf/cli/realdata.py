"""`linkclf check-real`: domain-level checks of the hostname prior on real third-party data."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    data_dir: Path = typer.Option(
        None,
        "--data-dir",
        help="The shared real-data folder (default: ../shared/data/real, else beside the repo).",
    ),
    output: Path = typer.Option(None, "-o", "--output", help="Write all figures as JSON here."),
    n_boot: int = typer.Option(200, "--n-boot", min=10, help="Bootstrap resamples per interval."),
) -> None:
    """Check the domain prior (LightGBM on hostname features) on real data: WEBSPAM-UK2007
    SET1->SET2 (and UK2006) next to a hostname n-gram baseline, and domains disavowed by two or
    more sites against the Tranco top 10k and Wikipedia's reliable sources.

    These are domain-level checks of one component, not of the link classifier.

    Example: linkclf check-real --data-dir ../shared/data/real -o realdata.json
    """
    from linkclf.io import write_text_atomic
    from linkclf.realdata import default_data_dir, format_table, run_checks

    folder = data_dir if data_dir is not None else default_data_dir()
    result = run_checks(folder, n_boot=n_boot, progress=info)
    typer.echo(format_table(result))
    if output:
        write_text_atomic(output, json.dumps(result, indent=2))
        info(f"wrote {output}")
