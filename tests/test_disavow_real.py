"""The 90 real disavow files published by site owners: merged losslessly, checked exactly.

Read in place from ../shared/data/real/disavow/site-disavow-files (never copied into the repo);
skipped with a message where that folder is absent.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.disavow import check_bytes, merge, render
from linkclf.disavow.parse import NOTE_PREFIX, decode, split_lines

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
FOLDER = REAL / "disavow" / "site-disavow-files"
FILES = sorted(FOLDER.glob("*.txt")) if FOLDER.is_dir() else []

pytestmark = pytest.mark.skipif(
    not FILES, reason=f"real disavow files not found at {FOLDER} (../shared is absent)"
)

# An independent, deliberately simple reading of Google's rules, to check the checker.
_LABEL = r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
_HOST = re.compile(rf"^({_LABEL}\.)+{_LABEL}$", re.IGNORECASE)


def _host_ok(host: str) -> bool:
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", host):
        return all(int(x) < 256 for x in host.split("."))
    return (
        host.isascii()
        and len(host) <= 253
        and bool(_HOST.match(host))
        and not host.rsplit(".", 1)[-1].isdigit()
        and all(len(label) <= 63 for label in host.split("."))
    )


def simple_valid(line: str) -> bool:
    if line == "" or line.startswith("#"):
        return True
    if line.startswith("domain:"):
        return _host_ok(line[len("domain:") :])
    match = re.match(r"^https?://(?:[^@/?#\s]*@)?([^/?#:\s]+)(?::\d+)?([/?#]\S*)?$", line, re.I)
    return bool(match) and len(line) <= 2048 and _host_ok(match.group(1).lower())


def _lines(path: Path) -> list[str]:
    text, _ = decode(path.read_bytes(), str(path))
    return split_lines(text)


def test_all_ninety_files_are_there() -> None:
    assert len(FILES) == 90


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:50])
def test_check_flags_exactly_the_lines_google_rejects(path: Path) -> None:
    report = check_bytes(path.read_bytes(), path.name)
    flagged = {p.lineno for p in report.errors if p.lineno is not None}
    expected = {i for i, line in enumerate(_lines(path), start=1) if not simple_valid(line)}
    assert flagged == expected
    assert [p for p in report.errors if p.lineno is None] == []  # all are UTF-8, no BOM, small


def test_check_finds_the_known_mistakes() -> None:
    by_file = {p.name: check_bytes(p.read_bytes(), p.name) for p in FILES}
    total = sum(len(r.errors) for r in by_file.values())
    bad_files = sum(not r.ok for r in by_file.values())
    # Seen when the files were studied: Domain:/domain: x spellings, trailing spaces, bare
    # hosts, whole TLDs (domain:RU, domain:shop), a query string after domain:.
    assert (total, bad_files) == (28, 7)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:50])
def test_merge_loses_nothing(path: Path) -> None:
    text, _ = decode(path.read_bytes(), str(path))
    original = split_lines(text)
    result = merge(text, [], model="m", threshold=None, today=dt.date(2025, 1, 1))
    out = render(result.entries)
    assert check_bytes(out.encode("utf-8"), "disavow.txt").ok
    assert len(result.entries) == len(original)  # one output line per input line, in order
    changed = {c.lineno: c for c in result.changes}
    seen: set[str] = set()
    for lineno, (line, entry) in enumerate(zip(original, result.entries, strict=True), start=1):
        assert entry.lineno == lineno
        key = line.lower()
        if simple_valid(line) and not (line.startswith(("domain:", "http")) and key in seen):
            assert entry.text == line, f"line {lineno} changed although valid"
            assert lineno not in changed
        else:
            assert lineno in changed, f"line {lineno} changed without a note"
            # Either fixed into a valid line naming the same host, or kept inside a comment.
            if entry.kind == "comment":
                assert entry.text.startswith(NOTE_PREFIX) and entry.text.endswith(line)
            else:
                host = entry.text.removeprefix("domain:")
                assert host in line.lower().replace(" ", "")
        if line.startswith(("domain:", "http")):
            seen.add(key)


def test_cli_existing_real_files_round_trip(tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    scored.write_text(
        "source_url,p_manipulative,flag\nhttp://brand-new-spam.com/a,0.99,1\n", encoding="utf-8"
    )
    runner = CliRunner()
    for path in FILES:
        out = tmp_path / "out.txt"
        out.unlink(missing_ok=True)
        args = [
            "disavow",
            str(scored),
            "--existing",
            str(path),
            "-o",
            str(out),
            "--date",
            "2025-01-01",
        ]
        result = runner.invoke(app, args)
        if result.exit_code != 0:
            # A real file with lines Google would reject: the merge stops and names them
            # (nothing written) unless the user accepts them as comments.
            assert "--allow-deactivate" in result.output and not out.exists(), result.output
            result = runner.invoke(app, [*args, "--allow-deactivate"])
        assert result.exit_code == 0, result.output
        written = out.read_text("utf-8")
        assert written.splitlines()[-1] == "domain:brand-new-spam.com"
        assert runner.invoke(app, ["disavow", "--check", str(out)]).exit_code == 0


def test_big_published_lists_idn_lines_are_fixed_into_punycode() -> None:
    path = REAL / "disavow" / "coolrecep-turkish-tech-disavow.txt"
    if not path.exists():
        pytest.skip(f"{path} not found")
    text, _ = decode(path.read_bytes(), str(path))
    result = merge(text, [], model="m", threshold=None, today=dt.date(2025, 1, 1))
    assert check_bytes(render(result.entries).encode("utf-8"), "disavow.txt").ok
    fixed = {c.lineno: c.result for c in result.changes}
    assert fixed[839] == "domain:" + "brave-nà".encode("idna").decode() + ".com"
    assert fixed[5589].startswith("domain:xn--") and fixed[5589].endswith(".kr")
    assert len(result.entries) == len(split_lines(text))
