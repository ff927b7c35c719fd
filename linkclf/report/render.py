"""The audit report as one self-contained HTML page.

Anchors, titles and URLs are attacker-controlled. Every one is written through :func:`esc`
(``html.escape`` with ``quote=True``) as element text, never inside ``<script>``, ``style`` or
``href``: no link in the report is clickable. A Content-Security-Policy meta tag forbids
scripts and every fetch, so even an escaping slip could neither run code nor call home.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import pandas as pd

from linkclf.disavow import DomainRule
from linkclf.report import svg, tables
from linkclf.report.candidates import ReportCandidate, disavow_candidates

#: No scripts, no fetches of any kind; inline styles and data: images only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
#: Longest text shown in a cell; the rest is cut (anchors can be whole paragraphs).
MAX_CELL = 160
#: Cells longer than this may break inside words.
_WRAP_AT = 24
#: Section headings, in page order (tests look for them).
SECTIONS = (
    "Summary",
    "Score distribution",
    "Anchor types",
    "Risky referring domains",
    "Most suspicious links",
    "First-seen timeline",
    "Kinds",
    "Disavow candidates",
)

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;
color:#222;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}td.w{overflow-wrap:anywhere}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-size:.8rem;background:#f7f7f7}
.kpi{display:flex;flex-wrap:wrap;gap:.8rem}.kpi div{border:1px solid #ddd;border-radius:6px;
padding:.6rem .9rem;min-width:9rem}.kpi b{display:block;font-size:1.35rem}
.note{color:#555;font-size:.85rem}.held{color:#8a5a00}
svg{max-width:100%;height:auto}
"""


def esc(value: object) -> str:
    """Escape any value as HTML text (``& < > " '``), cut to :data:`MAX_CELL` characters."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return escape(text, quote=True)


def _cell(value: object, numeric: bool = False, code: bool = False) -> str:
    body = esc(value)
    if numeric:
        return f'<td class="n">{body}</td>'
    # Long text (payload-sized anchors, URLs) may break anywhere so the table fits the page;
    # short text (kinds, domains) keeps its words whole.
    wide = len(body) > _WRAP_AT
    if code and body:
        body = f"<code>{body}</code>"
    return f'<td class="w">{body}</td>' if wide else f"<td>{body}</td>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(value: object) -> str:
    x = float(value)  # type: ignore[arg-type]  # pandas scalars from itertuples
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def _summary(s: tables.Summary) -> str:
    kpis = [
        ("links", f"{s.n_links:,}"),
        ("referring domains", f"{s.n_domains:,}"),
        ("flagged links", f"{s.n_flagged:,} ({_pct(s.share_flagged)})"),
        ("domains with a flagged link", f"{s.n_flagged_domains:,}"),
        ("target sites", f"{s.n_targets:,}"),
    ]
    boxes = "".join(f"<div><b>{esc(v)}</b>{esc(k)}</div>" for k, v in kpis)
    facts = _table(
        ["", ""],
        [
            [_cell("threshold"), _cell(s.threshold)],
            [_cell("first seen"), _cell(s.first_seen)],
            [_cell("model"), _cell(s.models)],
        ],
    )
    return f'<div class="kpi">{boxes}</div>{facts}'


def _histogram(links: pd.DataFrame) -> str:
    hist = tables.score_histogram(links)
    labels = [f"{low:.2f}" for low in hist["low"]]
    flagged_p = links.loc[links["flagged"], "p"]
    cut = float(flagged_p.min()) if len(flagged_p) and (~links["flagged"]).any() else None
    chart = svg.stacked_bars(
        labels,
        hist["natural"].tolist(),
        hist["flagged"].tolist(),
        title="Links per p_manipulative bin",
        label_every=2,
        threshold_at=cut,
    )
    return (
        f"{chart}<p class='note'>Links per bin of p_manipulative (bin start shown); the dashed "
        "line is the lowest flagged score.</p>"
    )


def _anchor_mix(links: pd.DataFrame) -> str:
    mix = tables.anchor_mix(links)
    chart = svg.horizontal_bars(
        mix["anchor_type"].tolist(),
        mix["links"].astype(float).tolist(),
        title="Links per anchor type",
        highlight=[t in ("exact", "partial") for t in mix["anchor_type"]],
    )
    rows = (
        [
            _cell(r.anchor_type),
            _cell(f"{r.links:,}", True),
            _cell(_pct(r.share), True),
            _cell(_pct(r.flagged_share), True),
        ]
        for r in mix.itertuples()
    )
    note = (
        "<p class='note'>Anchor types from the file's anchor_type column where present, "
        "otherwise classified as the model does (brand and money terms from the target). A "
        "natural profile is mostly brand, naked URL and generic anchors; a high exact/partial "
        "share (red) is a classic sign of built links.</p>"
    )
    return chart + _table(["anchor type", "links", "share", "flagged"], rows) + note


def _risky(links: pd.DataFrame, limit: int) -> str:
    risky = tables.risky_domains(links, limit)
    if risky.empty:
        return "<p>No referring domain has a flagged link.</p>"
    rows = (
        [
            _cell(r["domain"], code=True),
            _cell(f"{r['links']:,}", True),
            _cell(f"{r['flagged']:,}", True),
            _cell(_pct(r["flagged_share"]), True),
            _cell(f"{r['mean_p']:.2f}", True),
            _cell(f"{r['max_p']:.2f}", True),
            _cell(r["reasons"]),
            '<td class="w">'
            + "<br>".join(esc(a) or "<i>(empty)</i>" for a in r["anchors"])
            + "</td>",
        ]
        for r in risky.to_dict("records")
    )
    headers = ["domain", "links", "flagged", "flagged share", "mean p", "max p", "top reasons"]
    n_more = int(links.loc[links["flagged"], "domain"].nunique()) - len(risky)
    more = (
        f"<p class='note'>… and {n_more:,} more domains with flagged links.</p>"
        if n_more > 0
        else ""
    )
    return _table([*headers, "example anchors"], rows) + more


def _top_links(links: pd.DataFrame, limit: int) -> str:
    top = tables.top_links(links, limit)
    if top.empty:
        return "<p>No link is flagged.</p>"
    rows = (
        [
            _cell(f"{r.p:.2f}", True),
            _cell(r.source_url, code=True),
            _cell(r.source_title),
            _cell(r.anchor),
            _cell(r.target_url, code=True),
            _cell(r.kind),
            _cell(r.reasons),
        ]
        for r in top.itertuples()
    )
    headers = ["p", "source page", "page title", "anchor", "target", "kind", "reasons"]
    return _table(headers, rows) + (
        "<p class='note'>The flagged links with the highest scores. URLs are shown as text, "
        "never as links: copy one into a browser only if you mean to visit it.</p>"
    )


def _timeline(links: pd.DataFrame) -> str:
    line, unit = tables.timeline(links)
    if line.empty:
        return "<p>The file has no first_seen dates.</p>"
    chart = svg.stacked_bars(
        line["period"].tolist(),
        line["natural"].astype(float).tolist(),
        line["flagged"].astype(float).tolist(),
        title=f"Links per {unit} by first-seen date",
        label_every=max(1, len(line) // 12),
        marks=line["burst"].tolist(),
    )
    bursts = line[line["burst"]]
    rows = (
        [
            _cell(r.period),
            _cell(f"{r.total:,}", True),
            _cell(f"{r.flagged:,}", True),
            _cell(_pct(float(r.flagged) / float(r.total) if r.total else 0.0), True),  # type: ignore[arg-type]
        ]
        for r in bursts.itertuples()
    )
    rule = (
        f"<p class='note'>Links per {unit} (the {unit} starting on the date shown). A triangle "
        f"marks a burst: at least {tables.BURST_MIN_LINKS} links and "
        f"{tables.BURST_MIN_SHARE:.0%} of all dated links, and {tables.BURST_FACTOR:g}× the "
        f"mean of the {tables.BURST_WINDOW} {unit}s before it. Bought links often arrive in "
        "bursts; so do links after press coverage, which is why a burst is a signal, not a "
        "verdict.</p>"
    )
    table = (
        _table([unit, "links", "flagged", "flagged share"], rows)
        if len(bursts)
        else "<p>No burst.</p>"
    )
    return chart + rule + table


def _kinds(links: pd.DataFrame) -> str:
    table = tables.kinds(links)
    chart = svg.horizontal_bars(
        table["kind"].tolist(),
        table["links"].astype(float).tolist(),
        title="Links per likely kind",
        highlight=[k not in ("natural", "unknown") for k in table["kind"]],
    )
    rows = (
        [_cell(r.kind), _cell(f"{r.links:,}", True), _cell(f"{r.flagged:,}", True)]
        for r in table.itertuples()
    )
    return chart + _table(["kind", "links", "flagged"], rows)


def _candidates(cands: list[ReportCandidate], rule: DomainRule, limit: int) -> str:
    if not cands:
        return "<p>No disavow candidate: no link is flagged.</p>"
    shown = cands[:limit]
    rows = []
    for item in shown:
        c = item.candidate
        why = c.rule + (f" — held back by the {item.held_back}" if item.held_back else "")
        rows.append(
            [
                _cell(c.line, code=True),
                _cell(f"{c.n_flagged:,} / {c.n_links:,}", True),
                _cell(f"{c.max_p:.2f}", True),
                _cell("; ".join(c.kinds)),
                _cell("; ".join(c.reasons)),
                _cell(why) if not item.held_back else f'<td class="w held">{esc(why)}</td>',
            ]
        )
    n_domain = sum(i.candidate.level == "domain" for i in cands)
    n_held = sum(bool(i.held_back) for i in cands)
    intro = (
        f"<p>{n_domain:,} domain and {len(cands) - n_domain:,} URL candidates by the rule of "
        f"<code>linkclf disavow</code> ({esc(rule.describe())}); {n_held:,} domain lines "
        "would be held back by linkclf's default allowlist (their flagged pages are listed "
        "as URL lines instead). Candidates, not verdicts: Google advises disavowing only "
        "clear link schemes. Your existing disavow file and own allowlist are merged by "
        "<code>linkclf disavow</code>.</p>"
    )
    more = (
        f"<p class='note'>Showing {len(shown):,} of {len(cands):,}.</p>"
        if len(cands) > len(shown)
        else ""
    )
    headers = ["line", "flagged / links", "max p", "kinds", "top reasons", "why"]
    return intro + _table(headers, rows) + more


def render_report(
    scored: pd.DataFrame,
    *,
    title: str | None = None,
    threshold: float | None = None,
    rule: DomainRule | None = None,
    max_rows: int = 50,
    source: str = "scored links",
) -> str:
    """The audit report of scored links as one self-contained HTML page (no I/O).

    Parameters
    ----------
    scored : the rows of a scored CSV from ``linkclf score`` (text or typed columns); needs
        ``p_manipulative`` and ``flag`` (or ``threshold``); uses ``source_url``,
        ``referring_domain``, ``target_url``, ``anchor``, ``anchor_type``, ``first_seen``,
        ``kind``, ``reasons`` when present.
    title : the page title (default "Backlink audit").
    threshold : flag ``p_manipulative >= threshold`` instead of the ``flag`` column.
    rule : the disavow domain rule (default :class:`linkclf.disavow.DomainRule`).
    max_rows : rows per table (risky domains, disavow candidates x 4).
    source : the input's name, for error messages and the page header.

    Returns
    -------
    The HTML text: inline CSS and SVG only, a CSP that forbids scripts and network requests,
    every value from the input escaped.

    Raises
    ------
    linkclf.errors.InputError
        ``scored`` is empty, lacks ``p_manipulative``, or has neither ``flag`` nor a threshold.
    """
    links = tables.prepare(scored, threshold, where=source)
    rule = rule or DomainRule()
    head = tables.summary(
        links,
        threshold,
        scored["threshold"] if "threshold" in scored.columns else None,
        scored["model"] if "model" in scored.columns else None,
    )
    cands = disavow_candidates(links, rule)
    page_title = title or "Backlink audit"
    bodies = (
        _summary(head),
        _histogram(links),
        _anchor_mix(links),
        _risky(links, max_rows),
        _top_links(links, max_rows),
        _timeline(links),
        _kinds(links),
        _candidates(cands, rule, max_rows * 4),
    )
    sections = "".join(
        f'<section id="s{i}"><h2>{esc(name)}</h2>{body}</section>'
        for i, (name, body) in enumerate(zip(SECTIONS, bodies, strict=True), start=1)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(page_title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{esc(page_title)}</h1>"
        f"<p class='note'>linkclf audit of {esc(source)}: scores are the model's estimate that a "
        "link is manipulative (paid, PBN, link farm, spam); review before you disavow.</p>"
        f"{sections}</body></html>\n"
    )
