"""The HTML audit report: sections and figures, escaping of hostile text, the CLI's errors."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.errors import InputError
from linkclf.report import CSP, SECTIONS, read_scored_for_report, render_report, tables

DATA = Path(__file__).resolve().parent / "data" / "report"
PAYLOADS = DATA / "scored_payloads.csv"


@pytest.fixture(scope="module")
def scored() -> pd.DataFrame:
    return read_scored_for_report(PAYLOADS)


@pytest.fixture(scope="module")
def html(scored: pd.DataFrame) -> str:
    return render_report(scored, title="<b>audit</b> of bakkerij-devries.nl")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_hostile_text_never_becomes_markup(html: str) -> None:
    assert "<script" not in html.lower()
    tags = _parse(html)
    names = {tag for tag, _ in tags.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "a", "base", "form"}
    for tag, attrs in tags.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name not in ("href", "src", "action", "formaction", "srcset"), (tag, name)
            assert "javascript:" not in (value or "").lower(), (tag, name, value)
    # ... while the payloads are shown to the reader as text (the auditor must see them).
    text = "".join(tags.text)
    assert "<script>var d=document.createElement('div')" in text
    assert '"><img src=x onerror=' in text
    assert "javascript:document.title='PWNED'" in text
    assert "<b>audit</b> of bakkerij-devries.nl" in text  # the title is text too


def test_spreadsheet_quote_is_removed_for_display(html: str) -> None:
    text = "".join(_parse(html).text)
    assert "=HYPERLINK(" in text and "'=HYPERLINK(" not in text
    assert "@SUM(1+1)" in text and "'@SUM(1+1)" not in text


def test_page_is_self_contained_with_a_strict_csp(html: str) -> None:
    head = html.split("</head>", 1)[0]
    assert f'http-equiv="Content-Security-Policy" content="{CSP}"' in head
    assert "default-src 'none'" in CSP and "script-src" not in CSP
    # No URL the browser could fetch: the only URL in any attribute is the SVG namespace.
    for tag, attrs in _parse(html).tags:
        for name, value in attrs:
            if "//" in (value or "") or "url(" in (value or ""):
                assert (name, value) == ("xmlns", "http://www.w3.org/2000/svg"), (tag, name)
    assert "url(" not in html.split("<body>", 1)[0]  # nor in the stylesheet


def test_every_section_in_order(html: str) -> None:
    positions = [html.find(f"<h2>{name}</h2>") for name in SECTIONS]
    assert all(p > 0 for p in positions)
    assert positions == sorted(positions)
    assert html.count("<svg ") >= 4  # histogram, anchor types, timeline, kinds


def test_figures(scored: pd.DataFrame) -> None:
    links = tables.prepare(scored)
    summary = tables.summary(links)
    assert summary.n_links == 100
    assert summary.n_flagged == int((scored["flag"] == "1").sum())
    assert "between" in summary.threshold  # implied by the flags, none given

    hist = tables.score_histogram(links)
    assert int(hist[["natural", "flagged"]].to_numpy().sum()) == 100
    assert hist.loc[hist["high"] <= 0.5, "flagged"].sum() == 0  # flags follow p >= 0.5 here

    risky = tables.risky_domains(links)
    assert risky["flagged"].is_monotonic_decreasing
    assert risky.iloc[0]["domain"].startswith("cheap-links")
    assert risky.iloc[0]["flagged_share"] == 1.0

    line, unit = tables.timeline(links)
    assert unit == "week"
    burst = line[line["burst"]]
    assert len(burst) >= 1 and burst["total"].max() >= 30

    mix = tables.anchor_mix(links)
    assert mix["links"].sum() == 100
    assert {"brand", "generic", "naked_url"} <= set(mix["anchor_type"])

    kinds = tables.kinds(links)
    assert kinds.set_index("kind").loc["natural", "flagged"] == 0


def _weekly(counts: list[int]) -> pd.DataFrame:
    dates = [
        (pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=w)).strftime("%Y-%m-%d")
        for w, n in enumerate(counts)
        for _ in range(n)
    ]
    return tables.prepare(pd.DataFrame({"p_manipulative": 0.1, "flag": "0", "first_seen": dates}))


def test_a_steadily_growing_profile_has_no_burst() -> None:
    line, unit = tables.timeline(_weekly(list(range(4, 40, 2))))
    assert unit == "week" and not line["burst"].any()


def test_a_jump_is_a_burst_and_weeks_start_on_monday() -> None:
    line, _ = tables.timeline(_weekly([6, 5, 7, 6, 5, 6, 40, 6, 5]))
    assert line.loc[line["burst"], "period"].tolist() == ["2025-02-17"]
    assert pd.Timestamp(line["period"].iloc[0]).day_name() == "Monday"


def test_threshold_overrides_the_flag_column(scored: pd.DataFrame) -> None:
    links = tables.prepare(scored, threshold=0.9)
    assert links["flagged"].sum() == (pd.to_numeric(scored["p_manipulative"]) >= 0.9).sum()
    assert tables.summary(links, 0.9).threshold == "0.9 (given)"


def test_anchor_type_column_is_used_when_present(scored: pd.DataFrame) -> None:
    given = scored.assign(anchor_type="exact")
    mix = tables.anchor_mix(tables.prepare(given))
    assert mix["anchor_type"].tolist() == ["exact"]


def test_disavow_candidates_follow_the_disavow_rule(html: str) -> None:
    # cheap-links*.xyz: every link flagged, several links -> whole-domain lines.
    assert "domain:cheap-links0.xyz" in html


def test_minimal_file_renders(tmp_path: Path) -> None:
    """Only the two required columns: every section still renders, with a note where empty."""
    frame = pd.DataFrame({"p_manipulative": ["0.1", "0.9"], "flag": ["0", "1"]})
    out = render_report(frame)
    assert "The file has no first_seen dates." in out
    for name in SECTIONS:
        assert f"<h2>{name}</h2>" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("source_url,flag\nhttps://a.nl/,1\n", "p_manipulative"),
        ("source_url,p_manipulative,flag\n", "no rows"),
        ("source_url,p_manipulative,flag\nhttps://a.nl/,1.7,1\n", "row 2"),
        ("source_url,p_manipulative\nhttps://a.nl/,0.7\n", "--threshold"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "scored.csv"
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_library_raises_input_error_without_p_column() -> None:
    with pytest.raises(InputError, match="p_manipulative"):
        render_report(pd.DataFrame({"source_url": ["https://a.nl/"]}))


def test_cli_writes_the_report_and_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(PAYLOADS), "-o", str(out), "--title", "Audit"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    copy = tmp_path / "scored.csv"
    copy.write_bytes(PAYLOADS.read_bytes())
    result = runner.invoke(app, ["report", str(copy), "-o", str(copy)])
    assert result.exit_code == 1
    assert copy.read_bytes() == PAYLOADS.read_bytes()

    result = runner.invoke(app, ["report", str(PAYLOADS), "-o", str(tmp_path / "r.txt")])
    assert result.exit_code == 1 and ".html" in result.output


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "linkclf report scored.csv -o report.html" in result.output


@pytest.mark.slow
def test_report_of_a_real_score_run(tmp_path: Path) -> None:
    """`linkclf score` with the shipped model, then `linkclf report` on its output."""
    repo = Path(__file__).resolve().parents[1]
    model, sample = repo / "models" / "default", repo / "datasets" / "samples" / "sample-links.csv"
    if not (model / "model.json").is_file() or not sample.is_file():
        pytest.skip("the shipped model or the sample export is absent")
    # 400 links of the canonical sample keep the (cold-cache) embedding step short.
    export, scored, out = tmp_path / "links.csv", tmp_path / "scored.csv", tmp_path / "report.html"
    pd.read_csv(sample, dtype=str, keep_default_na=False).head(400).to_csv(export, index=False)
    runner = CliRunner()
    result = runner.invoke(app, ["score", str(export), "-o", str(scored), "--model", str(model)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", str(scored), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    n_links = len(pd.read_csv(scored, usecols=["p_manipulative"]))
    assert f"<b>{n_links:,}</b>links" in html
    for name in SECTIONS:
        assert f"<h2>{name}</h2>" in html
    assert "Disavow candidates" in html and "candidates by the rule of" in html
