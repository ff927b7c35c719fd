"""The audit report as one self-contained HTML page: an overview, then one section per target site.

Anchors, titles and URLs are attacker-controlled. Every one is written through :func:`esc`
(``html.escape`` with ``quote=True``) as element text, never inside ``<script>``, ``style`` or
``href``: no link in the report is clickable. The page carries ONE static script (sorting and
filtering of the big tables, ``linkclf/data/report-tables.js``) that reads the escaped DOM and
never builds markup from data; the Content-Security-Policy allows exactly that script by its
SHA-256 hash and forbids every fetch, so an escaping slip could neither run code nor call home.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd

from linkclf.disavow import DomainRule
from linkclf.report import profile, svg, tables
from linkclf.report.baseline import Baseline, load_baseline
from linkclf.report.candidates import ReportCandidate, disavow_candidates

if TYPE_CHECKING:  # linkclf.diff builds on this package's tables: imported where used
    from linkclf.diff import Diff

#: The page's only script, shipped as a file and inlined verbatim.
SCRIPT = (resources.files("linkclf") / "data" / "report-tables.js").read_text(encoding="utf-8")
SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
#: That script by hash, no other script, no fetches of any kind; inline styles and data: images.
CSP = (
    f"default-src 'none'; script-src '{SCRIPT_HASH}'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
#: Longest text shown in a cell; the rest is cut (anchors can be whole paragraphs).
MAX_CELL = 160
#: Cells longer than this may break inside words.
_WRAP_AT = 24
#: Sites with a section of their own; the rest get a row in the overview (size cap).
MAX_SITES = 25
#: Sub-section headings of each site's section, in page order (tests look for them).
SECTIONS = (
    "Summary",
    "Score distribution",
    "Top anchors",
    "Anchor types",
    "Rel and link types",
    "Authority",
    "TLDs",
    "IP /24 clusters",
    "Referring domains per month",
    "First-seen timeline",
    "Risky referring domains",
    "Most suspicious links",
    "Kinds",
    "Disavow candidates",
)
#: The extra sub-section when a previous export is given.
CHANGES = "Changes since the previous export"

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem auto;max-width:1340px;
color:#222;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.4rem;border-bottom:2px solid #555;margin-top:3rem;
overflow-wrap:anywhere}h3{font-size:1.1rem;border-bottom:1px solid #ccc;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}td.w{overflow-wrap:anywhere}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.js table.sortable th{cursor:pointer}.js table.sortable th::after{content:" ↕";color:#999}
th[aria-sort=ascending]::after{content:" ▲"!important;color:#222!important}
th[aria-sort=descending]::after{content:" ▼"!important;color:#222!important}
input.filter{font:inherit;padding:.25rem .4rem;margin:.3rem 0;width:16rem;max-width:100%}
code{font-size:.8rem;background:#f7f7f7}
.kpi{display:flex;flex-wrap:wrap;gap:.8rem}.kpi div{border:1px solid #ddd;border-radius:6px;
padding:.6rem .9rem;min-width:9rem;flex:1 1 9rem}.kpi b{display:block;font-size:1.35rem}
.kpi div.risk{border-color:#c0392b}
.note{color:#555;font-size:.85rem}.held{color:#8a5a00}.alert{color:#a01c10;font-weight:600}
nav.toc ol{columns:2 18rem;padding-left:1.4rem}nav.sub{font-size:.85rem}
nav.sub a{margin-right:.7rem;white-space:nowrap}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:1rem}
.scroll{overflow-x:auto}
svg{max-width:100%;height:auto}
@media (max-width:600px){body{padding:0 .5rem;margin:.8rem auto}th,td{padding:.2rem .3rem}
table{font-size:.78rem}.kpi div{min-width:7rem}h1{font-size:1.3rem}}
"""


def esc(value: object) -> str:
    """Escape any value as HTML text (``& < > " '``), cut to :data:`MAX_CELL` characters."""
    text = "" if value is None else str(value)
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return escape(text, quote=True)


def _cell(
    value: object, numeric: bool = False, code: bool = False, sort: float | None = None
) -> str:
    body = esc(value)
    if numeric:
        # data-v: the number the sorting script compares ("1,234" and "12%" are display text).
        key = f' data-v="{sort:.6g}"' if sort is not None else ""
        return f'<td class="n"{key}>{body}</td>'
    # Long text (payload-sized anchors, URLs) may break anywhere so the table fits the page;
    # short text (kinds, domains) keeps its words whole.
    wide = len(body) > _WRAP_AT
    if code and body:
        body = f"<code>{body}</code>"
    return f'<td class="w">{body}</td>' if wide else f"<td>{body}</td>"


def _num(value: Any, text: str | None = None) -> str:
    """A numeric cell: ``text`` shown (default: the count with separators), ``value`` sorted on.

    ``value`` is a pandas scalar from ``itertuples`` (typed as anything by the stubs).
    """
    number = float(value)
    return _cell(f"{number:,.0f}" if text is None else text, True, sort=number)


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[bool] | None = None,
    sortable: bool = False,
) -> str:
    types = numeric or [False] * len(headers)
    num_attr = ' data-type="num"'
    head = "".join(
        f"<th{num_attr if is_num else ''}>{esc(h)}</th>"
        for h, is_num in zip(headers, types, strict=True)
    )
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    cls = ' class="sortable"' if sortable else ""
    return (
        f'<div class="scroll"><table{cls}><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _pct(value: object) -> str:
    x = float(value)  # type: ignore[arg-type]  # pandas scalars from itertuples
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _risk_text(risk: profile.Risk, baseline: Baseline | None) -> str:
    """How the risk compares with clean simulated profiles, in words."""
    if baseline is None:
        return "no clean-profile baseline is installed"
    below = baseline.share_below(risk.value)
    return (
        f"higher than {below:.0%} of {len(baseline.risks)} clean simulated profiles "
        f"(their median {baseline.quantile(0.5):.3f}, 95th percentile "
        f"{baseline.quantile(0.95):.3f})"
    )


def _summary(s: tables.Summary, risk: profile.Risk, baseline: Baseline | None) -> str:
    kpis = [
        ("links", f"{s.n_links:,}"),
        ("referring domains", f"{s.n_domains:,}"),
        ("flagged links", f"{s.n_flagged:,} ({_pct(s.share_flagged)})"),
        ("domains with a flagged link", f"{s.n_flagged_domains:,}"),
    ]
    boxes = f'<div class="risk"><b>{risk.value:.3f}</b>profile risk</div>' + "".join(
        f"<div><b>{esc(v)}</b>{esc(k)}</div>" for k, v in kpis
    )
    followed = (
        f"{risk.n_followed:,} followed links, {risk.n_flagged:,} of them flagged"
        if risk.rel_known
        else f"the export has no rel column: all {risk.n_followed:,} links counted as followed"
    )
    facts = _table(
        ["", ""],
        [
            [_cell("profile risk"), _cell(f"{risk.value:.3f}: {followed}")],
            [_cell("compared with clean profiles"), _cell(_risk_text(risk, baseline))],
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


def _top_anchors(links: pd.DataFrame, limit: int) -> str:
    top = profile.top_anchors(links, limit)
    n_distinct = int(links["anchor"].nunique())
    rows = (
        [
            _cell(r.anchor) if r.anchor else "<td><i>(empty)</i></td>",
            _cell(r.anchor_type),
            _num(r.links),
            _num(r.domains),
            _num(r.flagged),
            _num(r.share, _pct(r.share)),
        ]
        for r in top.itertuples()
    )
    headers = ["anchor", "type", "links", "referring domains", "flagged", "share of links"]
    more = (
        f"<p class='note'>The {len(top):,} most frequent of {n_distinct:,} distinct anchors.</p>"
        if n_distinct > len(top)
        else ""
    )
    return _table(headers, rows, [False, False, True, True, True, True], sortable=True) + more


def _mix_table(table: pd.DataFrame, key: str, label: str) -> str:
    rows = (
        [_cell(getattr(r, key)), _num(r.links), _num(r.share, _pct(r.share)), _num(r.flagged)]
        for r in table.itertuples()
    )
    return _table([label, "links", "share", "flagged"], rows, [False, True, True, True])


def _rel_and_types(links: pd.DataFrame) -> str:
    rel = profile.rel_mix(links)
    kinds = profile.link_type_mix(links)
    left = (
        _mix_table(rel, "rel", "rel")
        + "<p class='note'>follow = none of nofollow, ugc, sponsored; unknown = the export gives "
        "no rel value for the link (counted as followed in the profile risk). A link with "
        "several rel values counts once for each.</p>"
        if not rel.empty
        else "<p>The export has no rel (nofollow / ugc / sponsored) columns.</p>"
    )
    right = (
        _mix_table(kinds, "link_type", "link type")
        if not kinds.empty
        else "<p>The export has no link type column.</p>"
    )
    return f'<div class="grid"><div>{left}</div><div>{right}</div></div>'


def _authority(links: pd.DataFrame) -> str:
    dists = profile.authority(links)
    if not dists:
        return "<p>The export has no authority metric (DR, UR, TF, CF, DA, PA).</p>"
    parts = []
    for metric, table in dists.items():
        chart = svg.stacked_bars(
            table["bin"].tolist(),
            (table["domains"] - table["flagged_domains"]).astype(float).tolist(),
            table["flagged_domains"].astype(float).tolist(),
            title=f"Referring domains per {tables.AUTHORITY_METRICS[metric]} bin",
            width=560,
            height=200,
        )
        n = int(table["domains"].sum())
        parts.append(
            f"<div><p><b>{esc(tables.AUTHORITY_METRICS[metric])}</b>: {n:,} referring domains "
            f"with a value</p>{chart}</div>"
        )
    note = (
        "<p class='note'>Each referring domain counted once, at its highest value; red = "
        "domains with a flagged link. Only metrics the export has are shown; a domain without "
        "a value is left out, never counted as 0.</p>"
    )
    return '<div class="grid">' + "".join(parts) + "</div>" + note


def _tlds(links: pd.DataFrame, limit: int) -> str:
    table = profile.tlds(links, limit)
    if table.empty:
        return "<p>No referring domain in the file.</p>"
    rows = (
        [
            _cell(f".{r.tld}"),
            _num(r.domains),
            _num(r.links),
            _num(r.flagged),
            _num(r.flagged_share, _pct(r.flagged_share)),
        ]
        for r in table.itertuples()
    )
    headers = ["TLD", "referring domains", "links", "flagged", "flagged share"]
    return _table(headers, rows, [False, True, True, True, True], sortable=True)


def _ip_clusters(links: pd.DataFrame, limit: int) -> str:
    if not (links["source_ip"] != "").any():
        return "<p>The export has no source IP column.</p>"
    table = profile.ip_clusters(links, limit)
    if table.empty:
        return "<p>No two referring domains share a /24 network.</p>"
    rows = (
        [
            _cell(r["subnet"], code=True),
            _num(r["domains"]),
            _num(r["links"]),
            _num(r["flagged"]),
            _cell(", ".join(r["members"][:12]) + (" …" if len(r["members"]) > 12 else "")),
        ]
        for r in table.to_dict("records")
    )
    headers = ["network", "referring domains", "links", "flagged", "domains"]
    note = (
        "<p class='note'>Referring domains hosted in the same /24 network (IPv6: /48). Shared "
        "hosting puts unrelated sites together too; several flagged domains in one network is "
        "a private-blog-network footprint.</p>"
    )
    return _table(headers, rows, [False, True, True, True, False], sortable=True) + note


def _domains_per_month(links: pd.DataFrame, limit: int) -> str:
    months = profile.domains_per_month(links)
    if months.empty:
        return "<p>The export has no first-seen dates.</p>"
    chart = svg.stacked_bars(
        months["month"].tolist(),
        (months["new"] - months["new_flagged"]).astype(float).tolist(),
        months["new_flagged"].astype(float).tolist(),
        title="New referring domains per month",
        label_every=max(1, len(months) // 12),
    )
    has_lost = bool(links["lost"].notna().any())
    recent = months.iloc[::-1].head(limit)
    rows = (
        [
            _cell(r.month),
            _num(r.new),
            _num(r.new_flagged),
            *([_num(r.lost), _num(r.lost_flagged)] if has_lost else []),
        ]
        for r in recent.itertuples()
    )
    headers = ["month", "new domains", "new, flagged"]
    if has_lost:
        headers += ["lost domains", "lost, flagged"]
    lost_note = (
        "lost in the month of its last-seen date when the export marks all its links lost"
        if has_lost
        else "the export has no lost column, so lost domains are not shown"
    )
    note = (
        f"<p class='note'>A referring domain is new in the month of its earliest first-seen "
        f"date; {lost_note}. Most recent {len(recent):,} months; red = domains with a flagged "
        "link.</p>"
    )
    numeric = [False] + [True] * (len(headers) - 1)
    return chart + _table(headers, rows, numeric, sortable=True) + note


def _risky(links: pd.DataFrame, limit: int) -> str:
    risky = tables.risky_domains(links, limit)
    if risky.empty:
        return "<p>No referring domain has a flagged link.</p>"
    rows = (
        [
            _cell(r["domain"], code=True),
            _num(r["links"]),
            _num(r["flagged"]),
            _num(r["flagged_share"], _pct(r["flagged_share"])),
            _num(r["mean_p"], f"{r['mean_p']:.2f}"),
            _num(r["max_p"], f"{r['max_p']:.2f}"),
            _cell(r["reasons"]),
            '<td class="w">'
            + "<br>".join(esc(a) or "<i>(empty)</i>" for a in r["anchors"])
            + "</td>",
        ]
        for r in risky.to_dict("records")
    )
    headers = ["domain", "links", "flagged", "flagged share", "mean p", "max p", "top reasons"]
    numeric = [False, True, True, True, True, True, False, False]
    n_more = int(links.loc[links["flagged"], "domain"].nunique()) - len(risky)
    more = (
        f"<p class='note'>… and {n_more:,} more domains with flagged links.</p>"
        if n_more > 0
        else ""
    )
    return _table([*headers, "example anchors"], rows, numeric, sortable=True) + more


def _top_links(links: pd.DataFrame, limit: int) -> str:
    top = tables.top_links(links, limit)
    if top.empty:
        return "<p>No link is flagged.</p>"
    rows = (
        [
            _num(r.p, f"{r.p:.2f}"),
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
    numeric = [True] + [False] * 6
    return _table(headers, rows, numeric, sortable=True) + (
        "<p class='note'>The flagged links with the highest scores. URLs are shown as text, "
        "never as links: copy one into a browser only if you mean to visit it.</p>"
    )


def _timeline(links: pd.DataFrame) -> str:
    line, unit = tables.timeline(links)
    if line.empty:
        return "<p>The export has no first-seen dates.</p>"
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
            _num(r.total),  # type: ignore[arg-type]
            _num(r.flagged),  # type: ignore[arg-type]
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
        _table([unit, "links", "flagged", "flagged share"], rows, [False, True, True, True])
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
    rows = ([_cell(r.kind), _num(r.links), _num(r.flagged)] for r in table.itertuples())
    return chart + _table(["kind", "links", "flagged"], rows, [False, True, True])


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
                _num(c.n_flagged, f"{c.n_flagged:,} / {c.n_links:,}"),
                _num(c.max_p, f"{c.max_p:.2f}"),
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
    numeric = [False, True, True, False, False, False]
    return intro + _table(headers, rows, numeric, sortable=True) + more


def _changes(diff: Diff | None, limit: int) -> str:
    """The diff against the previous export for one site (``--previous``)."""
    from linkclf.diff import BURST_ALPHA, BURST_MIN_DOMAINS, FLOOR_RATE, HISTORY_MONTHS

    if diff is None:
        return "<p>No link of this site is in the previous export.</p>"
    c = diff.counts()
    when = (
        f" ({diff.old_date:%Y-%m-%d} to {diff.new_date:%Y-%m-%d})"
        if diff.old_date is not None and diff.new_date is not None
        else ""
    )
    kpis = [
        ("new links", c["new"]),
        ("lost links", c["lost"]),
        ("kept links", c["kept"]),
        ("kept, changed", c["changed"]),
        ("new referring domains", c["new_domains"]),
        ("lost referring domains", c["lost_domains"]),
    ]
    boxes = "".join(f"<div><b>{v:,}</b>{esc(k)}</div>" for k, v in kpis)
    if diff.bursts:
        burst = diff.bursts[0]
        # Whole, not cut like a table cell: every number of the rule matters here.
        line = escape(burst.describe(), quote=True)
        verdict = f"<p class='alert'>Burst alert: {line}</p>" if burst.alert else f"<p>{line}</p>"
    elif not diff.scored:
        verdict = "<p>No burst check: the previous export carries no scores.</p>"
    else:
        verdict = "<p>No burst check: the exports have no first/last-seen dates.</p>"
    rule = (
        "<p class='note'>Burst rule: new referring domains with a flagged link are compared "
        f"with the site's history (flagged domains per month by first-seen date over the "
        f"{HISTORY_MONTHS} months before the previous export, at least {FLOOR_RATE:g} a "
        f"month); an alert needs at least {BURST_MIN_DOMAINS} such domains and a Poisson tail "
        f"probability below {BURST_ALPHA:g}.</p>"
    )
    domains = diff.domains.head(limit)
    rows = (
        [
            _cell(r["change"]),
            _cell(r["referring_domain"], code=True),
            _num(r["links"]),
            _num(r["flagged"]),
            _num(r["max_p"], f"{r['max_p']:.2f}") if pd.notna(r["max_p"]) else _cell("", True),
            _cell(r["kinds"]),
            _cell(r["first_seen"]),
        ]
        for r in domains.to_dict("records")
    )
    headers = ["change", "referring domain", "links", "flagged", "max p", "kinds", "first seen"]
    numeric = [False, False, True, True, True, False, False]
    table = (
        _table(headers, rows, numeric, sortable=True)
        if len(domains)
        else "<p>No referring domain is new or lost.</p>"
    )
    more = (
        f"<p class='note'>Showing {len(domains):,} of {len(diff.domains):,} new and lost "
        "domains; <code>linkclf diff</code> writes them all.</p>"
        if len(diff.domains) > len(domains)
        else ""
    )
    period = f"<p>Previous export compared with this one{esc(when)}.</p>"
    return f'<div class="kpi">{boxes}</div>{period}{verdict}{rule}{table}{more}'


def _site_section(
    index: int,
    site: str,
    links: pd.DataFrame,
    *,
    summary: tables.Summary,
    risk: profile.Risk,
    baseline: Baseline | None,
    rule: DomainRule,
    max_rows: int,
    diff: Diff | None,
    with_changes: bool,
) -> str:
    # Classified once here, read by the anchor tables (the classifier is the costly part).
    links = links.assign(anchor_type=tables.anchor_types(links))
    cands = disavow_candidates(links, rule)
    bodies = [
        _summary(summary, risk, baseline),
        _histogram(links),
        _top_anchors(links, max_rows),
        _anchor_mix(links),
        _rel_and_types(links),
        _authority(links),
        _tlds(links, max_rows),
        _ip_clusters(links, max_rows),
        _domains_per_month(links, max_rows),
        _timeline(links),
        _risky(links, max_rows),
        _top_links(links, max_rows),
        _kinds(links),
        _candidates(cands, rule, max_rows * 4),
    ]
    names = list(SECTIONS)
    if with_changes:
        names.insert(1, CHANGES)
        bodies.insert(1, _changes(diff, max_rows))
    sid = f"site-{index}"
    # Spaces between the links: the places where the row of links may wrap on a phone.
    sub = " ".join(f'<a href="#{sid}-{_slug(n)}">{esc(n)}</a>' for n in names)
    parts = "".join(
        f'<section id="{sid}-{_slug(name)}"><h3>{esc(name)}</h3>{body}</section>'
        for name, body in zip(names, bodies, strict=True)
    )
    return (
        f'<section class="site" id="{sid}" data-site="{esc(site)}"><h2>{esc(site or "(no target)")}</h2>'
        f'<nav class="sub" aria-label="Sections of {esc(site)}">{sub}</nav>{parts}</section>'
    )


def _overview(
    sites: list[tuple[str, pd.DataFrame, profile.Risk]],
    baseline: Baseline | None,
    threshold: str,
    n_shown: int,
) -> str:
    rows = []
    for i, (site, links, risk) in enumerate(sites, start=1):
        name = (
            f'<td><a href="#site-{i}">{esc(site or "(no target)")}</a></td>'
            if i <= n_shown
            else _cell(site or "(no target)")
        )
        below = baseline.share_below(risk.value) if baseline is not None else None
        rows.append(
            [
                name,
                _num(len(links)),
                _num(links["domain"].nunique()),
                _num(links["flagged"].sum()),
                _num(risk.value, f"{risk.value:.3f}"),
                _num(below, f"{below:.0%}") if below is not None else _cell("", True),
            ]
        )
    headers = ["target site", "links", "referring domains", "flagged links", "profile risk"]
    headers.append("riskier than clean profiles")
    table = _table(headers, rows, [False, True, True, True, True, True], sortable=True)
    more = (
        f"<p class='note'>The {n_shown:,} sites with the most links have a section each; the "
        f"other {len(sites) - n_shown:,} are listed here only (pass --site to report one).</p>"
        if len(sites) > n_shown
        else ""
    )
    base = (
        f"Clean profiles here are the {len(baseline.risks)} clean profiles of a SIMULATED set "
        f"(seed {baseline.seed}, {baseline.n_links:,} links) scored by {esc(baseline.model)}: "
        "a figure about the simulator, not about real sites."
        if baseline is not None
        else "No clean-profile baseline is installed."
    )
    method = (
        "<p class='note'><b>Profile risk</b> = the sum of p_manipulative over the flagged "
        "followed links, divided by the number of followed links: the share of followed links "
        "that are flagged, each counted by how sure the model is (a flagged link at p = 0.8 "
        "counts 0.8; an unflagged link counts 0). Links with nofollow, ugc or sponsored pass "
        "no ranking signal and are left out; when an export has no rel column every link is "
        "counted. <b>Riskier than clean profiles</b>: the share of clean profiles whose risk "
        f"is lower. {base} <b>Threshold</b>: {esc(threshold)}.</p>"
    )
    return table + more + method


def render_report(
    scored: pd.DataFrame,
    *,
    title: str | None = None,
    threshold: float | None = None,
    rule: DomainRule | None = None,
    max_rows: int = 50,
    source: str = "scored links",
    model_threshold: float | None = None,
    baseline: Baseline | None | bool = True,
    previous: pd.DataFrame | None = None,
    max_sites: int = MAX_SITES,
) -> str:
    """The audit report of scored links as one self-contained HTML page (no I/O).

    Parameters
    ----------
    scored : the rows of a scored CSV from ``linkclf score`` (text or typed columns); needs
        ``p_manipulative`` and ``flag`` (or ``threshold``); uses the canonical columns
        (``target_url``, ``anchor``, rel flags, ``link_type``, dates, ``lost``,
        ``source_ip``, authority metrics) and ``predicted_kind`` / ``kind``, ``reasons``
        when present.
    title : the page title (default "Backlink audit").
    threshold : flag ``p_manipulative >= threshold`` instead of the ``flag`` column.
    rule : the disavow domain rule (default :class:`linkclf.disavow.DomainRule`).
    max_rows : rows per table (disavow candidates: 4 x).
    source : the input's name, for error messages and the page header.
    model_threshold : the scoring model's threshold, shown when the file has none.
    baseline : the clean-profile baseline; ``True`` = the shipped one, ``None``/``False`` = none.
    previous : the previous export's links (:func:`linkclf.report.tables.prepare`): adds a
        "Changes since the previous export" section per site.
    max_sites : sites with a section of their own, most links first (size cap).

    Returns
    -------
    The HTML text: inline CSS, inline SVG and one static script allowed by its hash; a CSP
    that forbids every other script and every network request; every value escaped.

    Raises
    ------
    linkclf.errors.InputError
        ``scored`` is empty, lacks ``p_manipulative``, or has neither ``flag`` nor a threshold.
    """
    links = tables.prepare(scored, threshold, where=source)
    rule = rule or DomainRule()
    base = load_baseline() if baseline is True else (baseline or None)
    given = scored["threshold"] if "threshold" in scored.columns else None
    models = scored["model"] if "model" in scored.columns else None
    everything = tables.summary(links, threshold, given, models, model_threshold)
    groups = sorted(links.groupby("site", sort=False), key=lambda g: (-len(g[1]), str(g[0])))
    sites = [(str(s), rows, profile.profile_risk(rows)) for s, rows in groups]
    n_shown = min(len(sites), max_sites)
    diffs: dict[str, Diff] = {}
    if previous is not None:
        from linkclf.diff import diff_links

        scored_before = bool(previous["p"].notna().any())
        for site_name, rows, _ in sites[:n_shown]:
            before = previous[previous["site"] == site_name]
            if len(before):
                diffs[site_name] = diff_links(before, rows, scored=scored_before)
    sections = "".join(
        _site_section(
            i,
            site_name,
            rows,
            summary=tables.summary(rows, threshold, given, models, model_threshold),
            risk=risk,
            baseline=base,
            rule=rule,
            max_rows=max_rows,
            diff=diffs.get(site_name),
            with_changes=previous is not None,
        )
        for i, (site_name, rows, risk) in enumerate(sites[:n_shown], start=1)
    )
    toc = "".join(
        f'<li><a href="#site-{i}">{esc(s or "(no target)")}</a> '
        f'<span class="note">{len(rows):,} links, risk {risk.value:.3f}</span></li>'
        for i, (s, rows, risk) in enumerate(sites[:n_shown], start=1)
    )
    page_title = title or "Backlink audit"
    kpis = (
        f'<div class="kpi"><div><b>{everything.n_links:,}</b>links</div>'
        f"<div><b>{everything.n_targets:,}</b>target sites</div>"
        f"<div><b>{everything.n_domains:,}</b>referring domains</div>"
        f"<div><b>{everything.n_flagged:,} ({_pct(everything.share_flagged)})</b>flagged "
        f"links</div><div><b>{esc(everything.threshold.split(' ')[0])}</b>threshold</div></div>"
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
        f'<nav class="toc" aria-label="Contents"><b>Contents</b><ol>'
        f'<li><a href="#overview">Overview of all target sites</a></li>{toc}</ol></nav>'
        f'<section id="overview"><h2>Overview</h2>{kpis}'
        f"{_overview(sites, base, everything.threshold, n_shown)}</section>"
        f"{sections}<script>{SCRIPT}</script></body></html>\n"
    )
