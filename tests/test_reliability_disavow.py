"""A merge never switches off a user's disavow line: every line ending, every encoding (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkclf.cli import app

runner = CliRunner()
DOMAINS = [f"spam{i}.example" for i in range(1018)]


@pytest.fixture
def scored(tmp_path: Path) -> Path:
    path = tmp_path / "scored.csv"
    path.write_text(
        "source_url,p_manipulative,flag\r\nhttps://new-spam.example/a,0.99,1\r\n", encoding="utf-8"
    )
    return path


def _merge(scored: Path, existing: Path, *extra: str) -> tuple[int, str, str]:
    out = existing.with_name("out.txt")
    result = runner.invoke(
        app,
        [
            "disavow",
            str(scored),
            "--existing",
            str(existing),
            "-o",
            str(out),
            "--date",
            "2025-01-01",
            "--no-default-allow",
            *extra,
        ],
    )
    # Bytes, not read_text(): universal newlines would turn a CR inside a comment into a line end.
    text = out.read_bytes().decode("utf-8") if out.exists() else ""
    return result.exit_code, result.output, text


def _active(text: str) -> set[str]:
    return {line[len("domain:") :] for line in text.split("\n") if line.startswith("domain:")}


@pytest.mark.parametrize(
    ("name", "ending"),
    [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r"), ("mixed", None)],
)
def test_every_line_ending_keeps_every_line_active(
    tmp_path: Path, scored: Path, name: str, ending: str | None
) -> None:
    endings = ["\n", "\r\n", "\r"]
    body = "# my disavow file" + (ending or "\r")
    for i, domain in enumerate(DOMAINS):
        body += f"domain:{domain}" + (ending or endings[i % 3])
    existing = tmp_path / f"{name}.txt"
    existing.write_bytes(body.encode("utf-8"))
    code, output, text = _merge(scored, existing)
    assert code == 0, output
    assert _active(text) >= set(DOMAINS)
    assert "new-spam.example" in _active(text)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]
)
def test_every_editor_encoding_keeps_every_line_active(
    tmp_path: Path, scored: Path, encoding: str
) -> None:
    lines = ["# caf\u00e9 notes", *(f"domain:{d}" for d in DOMAINS[:200])]
    existing = tmp_path / "old.txt"
    existing.write_bytes("\r\n".join(lines).encode(encoding) + "\r\n".encode(encoding))
    code, output, text = _merge(scored, existing)
    assert code == 0, output
    assert _active(text) >= set(DOMAINS[:200])
    assert "# caf\u00e9 notes" in text.split("\n")


def test_a_merge_that_would_switch_off_a_line_stops_and_names_it(
    tmp_path: Path, scored: Path
) -> None:
    existing = tmp_path / "old.txt"
    existing.write_text("domain:good.example\ndomain:bad host.example\nfree text note\n")
    code, output, text = _merge(scored, existing)
    assert code == 1 and "line 2" in output and "--allow-deactivate" in output
    assert "line 3" not in output  # a note with spaces never disavowed anything
    assert not (tmp_path / "out.txt").exists()
    code, output, text = _merge(scored, existing, "--allow-deactivate")
    assert code == 0 and "bad host.example" in text and "domain:good.example" in text


@pytest.mark.parametrize(
    ("content", "code", "needle"),
    [
        (b"mine.example\n# caf\xe9\n", 0, ""),
        (b"\x1f\x8b\x08\x00" + bytes(range(256)), 1, "gzip"),
        (bytes(range(256)) * 8, 1, "binary"),
        ("mine.example\n".encode("utf-16"), 0, ""),
    ],
)
def test_allow_in_latin1_utf16_or_binary(
    tmp_path: Path, scored: Path, content: bytes, code: int, needle: str
) -> None:
    allow = tmp_path / "allow.txt"
    allow.write_bytes(content)
    existing = tmp_path / "old.txt"
    existing.write_text("domain:old.example\n")
    result_code, output, _ = _merge(scored, existing, "--allow", str(allow))
    assert result_code == code, output
    assert needle in output and "Traceback" not in output
    if code:
        assert len(output.strip().splitlines()) == 1
