"""`linkclf review`: the local review page over scored links."""

from __future__ import annotations

from pathlib import Path

import typer

from linkclf.cli._common import info, user_errors


@user_errors
def command(
    scored: list[Path] = typer.Argument(..., help="Scored CSV(s) written by `linkclf score`."),
    decisions: Path = typer.Option(
        Path("review.csv"),
        "--decisions",
        help="Review file: read back on start, every decision saved to it as you make it.",
    ),
    existing: Path = typer.Option(
        None, "--existing", help="Your current disavow file: its domains and URLs are marked."
    ),
    model: Path = typer.Option(
        None, "--model", help="Model directory: its threshold, and features for --committee."
    ),
    committee: list[str] = typer.Option(
        None,
        "--committee",
        help="Labelled CSV(s) (e.g. datasets/default/links.csv.gz): order the queue by a"
        " LightGBM committee's disagreement too (needs --model).",
    ),
    port: int = typer.Option(8765, "--port", help="Port on 127.0.0.1."),
    limit: int = typer.Option(1000, "--limit", help="Domains sent to the page (queue order)."),
) -> None:
    """Review candidates in your browser: keep or disavow per domain or per page.

    Starts a local web app on 127.0.0.1 (nothing leaves the machine) showing the links grouped
    by referring domain in queue order: what a decision would teach the model most first.
    Decisions are written to --decisions as you make them; apply them with
    `linkclf disavow SCORED --decisions review.csv -o disavow.txt` or retrain with
    `linkclf train --data ... --data SCORED --review review.csv`.

    Example:

        linkclf review out/scored.csv --decisions out/review.csv --existing disavow.txt
    """
    import uvicorn

    from linkclf.errors import ConfigError
    from linkclf.io import refuse_overwrite_input
    from linkclf.review.app import create_app
    from linkclf.review.session import Session, read_scored_links
    from linkclf.review.store import DecisionStore

    refuse_overwrite_input(
        decisions, [str(p) for p in scored] + ([str(existing)] if existing else [])
    )
    if committee and model is None:
        raise ConfigError(
            expected="--model DIR with --committee",
            found="--committee alone",
            fix="add --model models/default (its features train the committee)",
        )
    links = read_scored_links(scored)
    store = DecisionStore(decisions)
    decided = store.decisions()
    info(decided.summary() if len(decided) else f"{decisions}: no decisions yet")
    threshold = spread = None
    if model is not None:
        from linkclf.model import LinkClassifier

        clf = LinkClassifier.load(model)
        threshold = clf.threshold_
        if committee:
            from linkclf.review.committee import disagreement

            info(f"training a committee on {', '.join(committee)} ...")
            spread = disagreement(clf, links, committee)
    text = existing.read_text("utf-8", errors="replace") if existing is not None else ""
    session = Session.build(links, threshold, spread, text)
    info(f"{len(links):,} links; queue: {session.strategy}")
    info(f"review page: http://127.0.0.1:{port}/  (Ctrl-C to stop; decisions go to {decisions})")
    uvicorn.run(create_app(session, store, limit), host="127.0.0.1", port=port, log_level="warning")
