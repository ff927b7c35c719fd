"""`linkclf disavow` end to end with CliRunner: good input, bad input, nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.disavow import REVIEW_COLUMNS

runner = CliRunner()

SCORED = """\
source_url,target_url,anchor,referring_domain,p_manipulative,flag,kind,reasons
http://a.spam.blogspot.com/1,http://me.com/,'=HYPERLINK(1),,0.9,1,paid,money anchor; footer
http://spam.blogspot.com/2,https://me.com/,buy pills,spam.blogspot.com,0.8,1,paid,money anchor
http://spam.blogspot.com/3,https://me.com/,cheap,spam.blogspot.com,0.7,1,pbn,footer
https://news.com/a,https://me.com/,sponsored,news.com,0.99,1,paid,sponsored words
https://news.com/b,https://me.com/,me,news.com,0.1,0,natural,
https://news.com/c,https://me.com/,me,news.com,0.2,0,natural,
https://www.facebook.com/spam1,https://me.com/,x,facebook.com,0.99,1,comment_spam,profile
https://mine.com/p,https://me.com/,x,mine.com,0.98,1,comment_spam,profile
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    scored = tmp_path / "scored.csv"
    scored.write_text(SCORED, encoding="utf-8")
    existing = tmp_path / "existing.txt"
    existing.write_bytes(b"# my list\r\ndomain:old.com\r\nDomain: bad.com \r\nhello world\r\n")
    allow = tmp_path / "allow.txt"
    allow.write_text("# own sites\nmine.com\n", encoding="utf-8")
    return {"scored": scored, "existing": existing, "allow": allow, "dir": tmp_path}


def invoke(*args: object):
    return runner.invoke(app, ["disavow", *map(str, args)])


def test_writes_merged_file_and_review_sheet(files: dict[str, Path]) -> None:
    out, review = files["dir"] / "disavow.txt", files["dir"] / "review.csv"
    result = invoke(
        files["scored"], "--existing", files["existing"], "--allow", files["allow"],
        "-o", out, "--review", review, "--date", "2025-01-02", "--model-name", "v1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = out.read_text("utf-8").splitlines()
    assert lines[:4] == [
        "# my list",
        "domain:old.com",
        "domain:bad.com",
        "# linkclf: not a URL or domain line, kept as a comment: hello world",
    ]
    assert lines[5].startswith("# linkclf 2025-01-02: 3 new candidates") and "v1" in lines[5]
    assert lines[-3:] == [
        "domain:spam.blogspot.com",
        "https://www.facebook.com/spam1",
        "https://news.com/a",
    ]
    assert not any("mine.com" in line for line in lines if not line.startswith("#"))
    assert "2 lines fixed or commented out" in result.output
    assert "held back (your allowlist: mine.com)" in result.output

    sheet = pd.read_csv(review, dtype=str, keep_default_na=False)
    assert tuple(sheet.columns) == REVIEW_COLUMNS
    row = sheet.set_index("candidate").loc["domain:spam.blogspot.com"]
    assert (row["level"], row["n_links"], row["max_p"]) == ("domain", "3", "0.9")
    assert row["example_anchors"].startswith("'=HYPERLINK(1)")  # neutralised again
    assert set(sheet["status"]) == {"new", "held back"}
    assert invoke("--check", out).exit_code == 0


def test_check_lists_rejected_lines_and_exits_1(files: dict[str, Path]) -> None:
    result = invoke("--check", files["existing"])
    assert result.exit_code == 1
    assert "line 3: error" in result.output and "line 4: error" in result.output
    assert "line 2: error" not in result.output
    clean = files["dir"] / "clean.txt"
    clean.write_text("# fine\ndomain:x.com\n", encoding="utf-8")
    assert invoke("--check", clean).exit_code == 0


def test_threshold_replaces_the_flag_column(files: dict[str, Path]) -> None:
    scored = files["dir"] / "noflag.csv"
    scored.write_text("source_url,p_manipulative\nhttp://a.com/x,0.97\nhttp://b.com/y,0.2\n")
    out = files["dir"] / "out.txt"
    assert invoke(scored, "-o", out).exit_code == 1  # no flag column, no threshold
    assert not out.exists()
    result = invoke(scored, "-o", out, "--threshold", "0.5")
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[-1] == "domain:a.com"


def test_split_writes_parts_only_when_needed(files: dict[str, Path]) -> None:
    out = files["dir"] / "d.txt"
    assert invoke(files["scored"], "-o", out, "--split").exit_code == 0
    assert out.exists() and not (files["dir"] / "d-1.txt").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("source_url,flag\nhttp://a.com/,1\n", "no p_manipulative column"),
        ("source_url,p_manipulative,flag\nhttp://a.com/,high,1\n", "row 2"),
    ],
)
def test_bad_scored_input_one_line_exit_1_no_output(
    files: dict[str, Path], content: str, message: str
) -> None:
    bad = files["dir"] / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    out = files["dir"] / "out.txt"
    result = invoke(bad, "-o", out)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_refuses_to_overwrite_an_input(files: dict[str, Path]) -> None:
    before = files["existing"].read_bytes()
    result = invoke(files["scored"], "--existing", files["existing"], "-o", files["existing"])
    assert result.exit_code == 1 and "also an input" in result.output
    assert files["existing"].read_bytes() == before


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "x.txt"],  # no scored file
        ["{scored}"],  # no -o
        ["{scored}", "-o", "x.csv"],  # not .txt
        ["{scored}", "-o", "x.txt", "--date", "yesterday"],
        ["{scored}", "--check", "{existing}"],
    ],
)
def test_bad_usage_is_one_clear_line(files: dict[str, Path], args: list[str]) -> None:
    filled = [a.format(scored=files["scored"], existing=files["existing"]) for a in args]
    result = runner.invoke(app, ["disavow", *filled])
    assert result.exit_code == 1
    assert result.output.startswith("linkclf: error:")
    assert len(result.output.strip().splitlines()) == 1


def test_bad_allowlist_and_bad_existing_write_nothing(files: dict[str, Path]) -> None:
    out = files["dir"] / "out.txt"
    allow = files["dir"] / "bad-allow.txt"
    allow.write_text("mine.com\nnot a domain at all\n", encoding="utf-8")
    result = invoke(files["scored"], "--allow", allow, "-o", out)
    assert result.exit_code == 1 and "line 2" in result.output
    binary = files["dir"] / "binary.txt"
    binary.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
    result = invoke(files["scored"], "--existing", binary, "-o", out)
    assert result.exit_code == 1 and "gzip" in result.output
    assert not out.exists()


def test_help_has_an_example() -> None:
    result = runner.invoke(app, ["disavow", "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_limits_blank_lines_count_and_split_writes_valid_parts(files: dict[str, Path]) -> None:
    big = files["dir"] / "big.txt"
    big.write_text("# many blank lines\n" + "\n" * 100_000 + "domain:old.com\n", encoding="utf-8")
    out = files["dir"] / "d.txt"
    result = invoke(files["scored"], "--existing", big, "-o", out)
    assert result.exit_code == 1 and "100,000 lines" in result.output
    assert not out.exists()
    result = invoke(files["scored"], "--existing", big, "-o", out, "--split")
    assert result.exit_code == 0, result.output
    parts = [files["dir"] / "d-1.txt", files["dir"] / "d-2.txt"]
    assert not out.exists() and all(p.exists() for p in parts)
    assert not (files["dir"] / "d-3.txt").exists()
    joined: list[str] = []
    for part in parts:
        assert invoke("--check", part).exit_code == 0
        joined += part.read_text("utf-8").splitlines()[1:]  # minus "# linkclf: part i of 2"
    assert joined[0] == "# many blank lines" and "domain:old.com" in joined
    assert joined[-1] == "https://news.com/a"
