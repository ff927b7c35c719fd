"""Review decisions: read and validated once, applied to disavow candidates, used as labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.disavow import build_candidates
from linkclf.disavow.decisions import (
    BY_DECISION,
    apply_decisions,
    link_labels,
    parse_decisions,
    read_decisions,
)
from linkclf.errors import InputError
from linkclf.labelled import load_labelled

runner = CliRunner()

SCORED = """\
source_url,target_url,anchor,referring_domain,p_manipulative,flag,kind,reasons
http://spam.blogspot.com/1,https://me.com/,buy pills,spam.blogspot.com,0.9,1,paid,money anchor
http://spam.blogspot.com/2,https://me.com/,cheap,spam.blogspot.com,0.8,1,pbn,footer
http://spam.blogspot.com/3,https://me.com/,cheap,spam.blogspot.com,0.7,1,pbn,footer
https://news.com/a,https://me.com/,sponsored,news.com,0.99,1,paid,sponsored words
https://news.com/b,https://me.com/,me,news.com,0.1,0,natural,
https://news.com/c,https://me.com/,me,news.com,0.2,0,natural,
https://quiet.org/x,https://me.com/,me,quiet.org,0.4,0,natural,
https://quiet.org/y,https://me.com/,me,quiet.org,0.3,0,natural,
https://forum.net/t/1,https://me.com/,me,forum.net,0.45,0,natural,
https://big.net/1,https://me.com/,a,big.net,0.9,1,pbn,footer
https://big.net/2,https://me.com/,a,big.net,0.9,1,pbn,footer
https://big.net/3,https://me.com/,a,big.net,0.9,1,pbn,footer
"""


def _scored(tmp_path: Path) -> Path:
    path = tmp_path / "scored.csv"
    path.write_text(SCORED, encoding="utf-8")
    return path


def _sheet(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["decision", "level", "candidate", "domain"])


def test_unknown_decision_is_refused_with_the_valid_values() -> None:
    sheet = _sheet([("disavow", "domain", "domain:a.com", "a.com"), ("yes", "url", "x", "b.com")])
    with pytest.raises(InputError) as err:
        parse_decisions(sheet, "review.csv")
    line = err.value.one_line()
    assert "review.csv, row 3" in line and "'yes'" in line
    assert "disavow" in line and "keep" in line


def test_blank_is_undecided_and_case_is_ignored() -> None:
    sheet = _sheet(
        [
            (" Disavow ", "domain", "domain:a.com", "a.com"),
            ("", "domain", "domain:b.com", "b.com"),
            ("KEEP", "url", "https://c.com/p", "c.com"),
        ]
    )
    d = parse_decisions(sheet, "r.csv")
    assert d.domains == {"a.com": "disavow"} and d.urls == {"https://c.com/p": "keep"}
    assert d.n_blank == 1
    assert d.summary() == (
        "r.csv: 2 decisions used (1 disavow, 1 keep; 1 domains, 1 URLs), 1 rows not decided yet"
    )


def test_missing_column_names_what_is_needed() -> None:
    with pytest.raises(InputError, match="columns decision, level, candidate"):
        parse_decisions(pd.DataFrame({"decision": ["keep"]}), "r.csv")


def test_url_decision_wins_over_its_domain_for_labels() -> None:
    links = pd.DataFrame(
        {"source_url": ["https://news.com/a", "https://news.com/b", "http://x.org/", "news.com/c"]}
    )
    d = parse_decisions(
        _sheet(
            [
                ("disavow", "domain", "domain:news.com", "news.com"),
                ("keep", "url", "https://news.com/b", "news.com"),
            ]
        ),
        "r.csv",
    )
    assert link_labels(links, d).tolist() == [1, 0, pd.NA, 1]


def test_apply_keep_removes_and_disavow_adds_below_threshold(tmp_path: Path) -> None:
    scored = pd.read_csv(_scored(tmp_path), dtype=str, keep_default_na=False)
    candidates = build_candidates(scored)
    lines = {c.line for c in candidates}
    assert lines == {"domain:spam.blogspot.com", "domain:big.net", "https://news.com/a"}
    d = parse_decisions(
        _sheet(
            [
                ("keep", "domain", "domain:spam.blogspot.com", "spam.blogspot.com"),
                ("disavow", "domain", "domain:quiet.org", "quiet.org"),  # below the threshold
                ("disavow", "url", "https://forum.net/t/1", "forum.net"),
                ("disavow", "url", "https://news.com/a", "news.com"),  # agrees
                ("keep", "url", "https://big.net/2", "big.net"),  # a page of a domain line
            ]
        ),
        "r.csv",
    )
    applied = apply_decisions(candidates, d, scored)
    out = {c.line for c in applied.candidates}
    assert out == {
        "https://news.com/a",
        "https://big.net/1",
        "https://big.net/3",
        "domain:quiet.org",
        "https://forum.net/t/1",
    }
    assert applied.confirmed == 1
    assert {c.line for c in applied.added} == {"domain:quiet.org", "https://forum.net/t/1"}
    assert all(c.rule == BY_DECISION for c in applied.added)
    quiet = next(c for c in applied.added if c.level == "domain")
    assert (quiet.n_links, quiet.n_flagged, quiet.max_p) == (2, 0, 0.4)
    assert [c.line for c in applied.split] == ["domain:big.net"]


def test_cli_disavow_with_decisions_reports_counts(tmp_path: Path) -> None:
    scored = _scored(tmp_path)
    review = tmp_path / "review.csv"
    _sheet(
        [
            ("keep", "domain", "domain:spam.blogspot.com", "spam.blogspot.com"),
            ("disavow", "domain", "domain:quiet.org", "quiet.org"),
            ("", "url", "https://news.com/a", "news.com"),
        ]
    ).to_csv(review, index=False)
    out, sheet = tmp_path / "disavow.txt", tmp_path / "sheet.csv"
    result = runner.invoke(
        app,
        [
            "disavow",
            str(scored),
            "--decisions",
            str(review),
            "-o",
            str(out),
            "--review",
            str(sheet),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [ln for ln in out.read_text().splitlines() if not ln.startswith("#")]
    assert "domain:quiet.org" in lines and "domain:spam.blogspot.com" not in lines
    assert "2 decisions used (1 disavow, 1 keep" in result.output
    assert "1 candidates removed (keep), 1 added (disavow)" in result.output
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert filled.set_index("candidate").at["domain:quiet.org", "decision"] == "disavow"


def test_cli_refuses_unknown_decision_and_writes_nothing(tmp_path: Path) -> None:
    scored = _scored(tmp_path)
    review = tmp_path / "review.csv"
    _sheet([("yes", "domain", "domain:quiet.org", "quiet.org")]).to_csv(review, index=False)
    out = tmp_path / "disavow.txt"
    result = runner.invoke(
        app, ["disavow", str(scored), "--decisions", str(review), "-o", str(out)]
    )
    assert result.exit_code == 1
    assert "expected decision disavow or keep" in result.output and "'yes'" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_training_labels_refuse_unknown_values(tmp_path: Path) -> None:
    scored = _scored(tmp_path)
    review = tmp_path / "review.csv"
    _sheet([("yes", "domain", "domain:quiet.org", "quiet.org")]).to_csv(review, index=False)
    with pytest.raises(InputError, match="'yes'"):
        load_labelled([str(scored)], [str(review)])
    assert len(read_decisions(_write(tmp_path, "ok.csv", "keep"))) == 1


def _write(tmp_path: Path, name: str, decision: str) -> Path:
    path = tmp_path / name
    _sheet([(decision, "domain", "domain:quiet.org", "quiet.org")]).to_csv(path, index=False)
    return path
