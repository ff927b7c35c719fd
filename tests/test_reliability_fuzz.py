"""Fuzz every command's readers in-process: only a LinkclfError (one line) or a result (issue 15).

Fast by default (LINKCLF_FUZZ_EXAMPLES examples per reader, 25); `make fuzz` runs the long
version through the CLI in subprocesses (benchmarks/fuzz.py).
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkclf.disavow import merge
from linkclf.disavow.parse import split_lines
from linkclf.disavow.read import read_allowlist, read_disavow, read_scored
from linkclf.errors import LinkclfError
from linkclf.features import HashingEmbedder
from linkclf.io import read_csv_text
from linkclf.model import LinkClassifier
from linkclf.report import read_scored_for_report
from linkclf.sources import read_export
from tests.conftest import tiny_setup

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "tests" / "data" / "exports"
_spec = importlib.util.spec_from_file_location("linkclf_fuzz", REPO / "benchmarks" / "fuzz.py")
assert _spec is not None and _spec.loader is not None
fuzz = importlib.util.module_from_spec(_spec)
sys.modules["linkclf_fuzz"] = fuzz  # dataclasses look their module up there
_spec.loader.exec_module(fuzz)

EXAMPLES = int(os.environ.get("LINKCLF_FUZZ_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
SCORED = (
    b"source_url,target_url,anchor,p_manipulative,flag,kind,reasons,model\r\n"
    b"https://spam.example/a,https://t.example/,cheap pills,0.99,1,pbn,anchor,m@1\r\n"
    b'https://ok.example/b,https://t.example/,"=HYPERLINK(""x"")",0.10,0,natural,,m@1\r\n'
    b"https://spam.example/c,https://t.example/,buy,0.97,1,paid,url,m@1\r\n"
)


def _write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@SETTINGS
@given(seed=SEEDS)
def test_export_reader(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    source = rng.choice(fuzz.export_seeds())
    data, _ = fuzz.mutate(source.read_bytes(), rng)
    path = _write(tmp_path, "in" + source.suffix, data)
    try:
        read_export(path, target="https://t.example/")
    except LinkclfError as exc:
        assert "\n" not in str(exc)


@SETTINGS
@given(seed=SEEDS)
def test_scored_readers(tmp_path: Path, seed: int) -> None:
    data, _ = fuzz.mutate(SCORED, random.Random(seed))
    path = _write(tmp_path, "scored.csv", data)
    for read in (
        lambda: read_scored([path]),
        lambda: read_scored_for_report(path),
        lambda: read_csv_text(path, ["decision", "level"], what="a review sheet", fix="-"),
    ):
        try:
            read()
        except LinkclfError as exc:
            assert "\n" not in str(exc)


@SETTINGS
@given(seed=SEEDS)
def test_disavow_reader_keeps_every_line(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    data, _ = fuzz.mutate(rng.choice(fuzz.disavow_seeds()[:5]), rng)
    path = _write(tmp_path, "old.txt", data)
    try:
        text, _ = read_disavow(path)
    except LinkclfError as exc:
        assert "\n" not in str(exc)
        return
    import datetime as dt

    result = merge(text, [], None, model="m", threshold=None, today=dt.date(2025, 1, 1))
    assert len(result.entries) == len(split_lines(text))  # nothing lost, nothing merged away
    try:
        read_allowlist(path)
    except LinkclfError as exc:
        assert "\n" not in str(exc)


@pytest.fixture(scope="module")
def base_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tiny_setup(seed=4)
    clf = LinkClassifier(t.features, num_boost_round=20).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid], t.data.loc[t.train, "kind"]
    )
    path = tmp_path_factory.mktemp("model") / "m"
    clf.save(path, metrics={}, card="# card", extra={})
    return path


@SETTINGS
@given(seed=SEEDS)
def test_damaged_model_loads_or_is_refused(tmp_path: Path, base_model: Path, seed: int) -> None:
    # Hypothesis may draw a seed twice (tmp_path is shared by its examples): a fresh folder each.
    root = Path(tempfile.mkdtemp(prefix=f"m{seed}-", dir=tmp_path)) / "m"
    shutil.copytree(base_model, root)
    fuzz.damage_model(root, random.Random(seed))
    try:
        model = LinkClassifier.load(root, embedder=HashingEmbedder())
    except LinkclfError as exc:
        assert "\n" not in str(exc)
        return
    assert 0.0 <= model.threshold_ <= 1.0


def test_a_scored_row_longer_than_its_header_is_read_in_place(tmp_path: Path) -> None:
    """A broken scored file whose rows run into one line of thousands of fields: read at once
    with each value in its column (pandas made the extra fields a MultiIndex of thousands of
    levels, and `linkclf report` then ran for minutes)."""
    header = "source_url,target_url,p_manipulative,flag\n"
    row = "https://a.example/p,https://t.example/,0.9,1"
    path = tmp_path / "scored.csv"
    path.write_text(header + ",".join([row] * 2000) + "\n", encoding="utf-8")
    scored = read_scored_for_report(path)
    assert len(scored) == 1
    assert scored["source_url"].iloc[0] == "https://a.example/p"
    assert scored.index.nlevels == 1
