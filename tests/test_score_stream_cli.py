"""Issue 11: `linkclf score` streams (linkclf.stream) and writes what the in-memory path wrote,
in every output format, with Search Console target inference and stdin still working."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from linkclf.cli import app
from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links
from linkclf.scored import MODEL_COLUMN, write_scored
from linkclf.sources import read_exports
from tests.test_tool_inputs import export, model  # noqa: F401  (module fixtures)
from tests.test_tool_merge import _gsc

runner = CliRunner()


def _in_memory(model_dir: Path, paths: list[Path], out: Path, target: str | None = None) -> None:
    """What `linkclf score` wrote before it streamed: the whole merged export scored at once."""
    clf = LinkClassifier.load(model_dir)
    scored = score_links(clf, read_exports(paths, target=target))
    scored[MODEL_COLUMN] = clf.version_label()
    write_scored(scored, out)


@pytest.mark.parametrize("ext", [".csv", ".csv.gz", ".jsonl", ".parquet"])
def test_every_output_format_is_the_in_memory_output(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
    ext: str,
) -> None:
    expected, got = tmp_path / f"memory{ext}", tmp_path / f"stream{ext}"
    _in_memory(model, [export], expected)
    result = runner.invoke(app, ["score", str(export), "-o", str(got), "--model", str(model)])
    assert result.exit_code == 0, result.output
    if ext == ".parquet":  # types kept; the file's metadata may differ
        pd.testing.assert_frame_equal(pd.read_parquet(got), pd.read_parquet(expected))
    else:
        assert got.read_bytes() == expected.read_bytes()
    assert f"wrote {got}: 300 links" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([expected.name, got.name])


def test_stdout_is_the_in_memory_csv(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    _in_memory(model, [export], tmp_path / "memory.csv")
    result = runner.invoke(app, ["score", str(export), "-o", "-", "--model", str(model), "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (tmp_path / "memory.csv").read_bytes()


def test_search_console_target_is_inferred_as_before(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A Search Console export scored with a one-site export takes that site (no --target)."""
    frame = pd.read_csv(export, dtype=str, keep_default_na=False)
    site = frame["Target url"].str.extract(r"^(https?://[^/]+)")[0]
    one_site = tmp_path / "one-site.csv"
    frame[site == site.mode()[0]].to_csv(one_site, index=False)
    sources = frame.loc[site == site.mode()[0], "Source url"].head(5).tolist()
    gsc = _gsc(tmp_path / "gsc.csv", [*sources, "https://only-gsc.example/page"])
    _in_memory(model, [one_site, gsc], tmp_path / "memory.csv")
    out = tmp_path / "stream.csv"
    result = runner.invoke(
        app, ["score", str(one_site), str(gsc), "-o", str(out), "--model", str(model)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (tmp_path / "memory.csv").read_bytes()
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert (scored["seen_in"] == "gsc.csv").sum() == 1  # the rest folded into the vendor rows

    # The whole export names several sites: --target is asked for, nothing is written.
    refused = tmp_path / "refused.csv"
    result = runner.invoke(
        app, ["score", str(export), str(gsc), "-o", str(refused), "--model", str(model)]
    )
    assert result.exit_code == 1 and "--target" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not refused.exists()


def test_stdin_is_spooled_and_named_stdin_in_errors(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = gzip.compress(export.read_bytes())  # a gzipped pipe too
    out = tmp_path / "piped.csv"
    result = runner.invoke(app, ["score", "-", "-o", str(out), "--model", str(model)], input=data)
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 300
    broken = export.read_text(encoding="utf-8").splitlines(keepends=True)
    header = broken[0].split(",")
    cells = broken[3].split(",")
    cells[header.index("Target url")] = ""
    broken[3] = ",".join(cells)
    result = runner.invoke(
        app,
        ["score", "-", "-o", str(tmp_path / "no.csv"), "--model", str(model)],
        input="".join(broken).encode("utf-8"),
    )
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.count("\n") == 0 and "stdin" in line and "linkclf-stdin" not in line, line
    assert not (tmp_path / "no.csv").exists()


#: Modules a `linkclf score` process has no use for (issue 11, start-up): scikit-learn and
#: scipy.stats (~2 s), torch; tldextract and the requests stack it imports (linkclf.psl reads
#: the suffix list itself); the other commands' modules (the console entry registers only the
#: command it runs).
UNNEEDED_ON_THE_SCORE_PATH = (
    "sklearn",
    "scipy.stats",
    "torch",
    "tldextract",
    "requests",
    "urllib3",
    "linkclf.cli.disavow",
    "linkclf.cli.report",
    "linkclf.cli.review",
    "linkclf.cli.train",
    "linkclf.disavow",
    "linkclf.report",
)


def test_the_score_command_imports_only_what_scoring_needs(
    export: Path,  # noqa: F811
    model: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Start-up (issue 11): scoring imports none of UNNEEDED_ON_THE_SCORE_PATH, and the scores
    are those of a process that imported them."""
    import subprocess
    import sys

    out = tmp_path / "light.csv"
    code = (
        f"import sys\nfrom linkclf.cli import main\nUNNEEDED = {UNNEEDED_ON_THE_SCORE_PATH!r}\n"
        f"sys.argv = ['linkclf', 'score', {str(export)!r}, '-o', {str(out)!r}, "
        f"'--model', {str(model)!r}, '-q']\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in UNNEEDED if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
    _in_memory(model, [export], tmp_path / "memory.csv")
    assert out.read_bytes() == (tmp_path / "memory.csv").read_bytes()
