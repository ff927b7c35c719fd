"""Streamed scoring (linkclf.stream) writes the file the in-memory path writes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkclf.errors import SchemaError
from linkclf.io import write_csv_atomic
from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links
from linkclf.scored import MODEL_COLUMN, write_scored
from linkclf.sources import read_exports
from linkclf.stream import bucket_of, score_files
from tests.conftest import tiny_setup


@pytest.fixture(scope="module")
def fitted() -> tuple[LinkClassifier, pd.DataFrame]:
    t = tiny_setup(n_targets=14, seed=3)
    model = LinkClassifier(t.features, num_boost_round=40).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid]
    )
    return model, t.data.drop(columns=["label", "kind", "target_site", "referring_domain"])


def _in_memory(model: LinkClassifier, paths: list[str], out: Path) -> bytes:
    scored = score_links(model, read_exports(paths))
    scored[MODEL_COLUMN] = model.version_label()
    write_scored(scored, out)
    return out.read_bytes()


@pytest.fixture(autouse=True)
def small_merge_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scored buckets in batches of a few rows, so that these small exports take many merge
    rounds (the shipped floor of 512 rows would hold each bucket in one batch)."""
    import linkclf.stream

    monkeypatch.setattr(linkclf.stream, "MERGE_MIN_ROWS", 8)


def test_streamed_file_is_the_in_memory_file(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    model, links = fitted
    export = tmp_path / "export.csv"
    # A vendor column and a formula-looking anchor travel through the spill files too.
    links = links.assign(note=[f"=row {i}" for i in range(len(links))])
    write_csv_atomic(links, export, for_spreadsheet=False)
    expected = _in_memory(model, [str(export)], tmp_path / "memory.csv")
    # Small chunks and several buckets: target sites are split across chunks, every bucket
    # holds several sites, and the ordered merge interleaves the buckets.
    summary = score_files(model, [str(export)], tmp_path / "stream.csv", chunk_rows=97, buckets=5)
    assert (tmp_path / "stream.csv").read_bytes() == expected
    assert summary.links == len(links) and summary.buckets == 5
    assert summary.flagged == int(pd.read_csv(tmp_path / "memory.csv")["flag"].sum())


def test_streamed_merge_of_two_exports_is_read_exports_merge(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    model, links = fitted
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    # Overlapping exports: the second repeats a third of the first (merged into one row each,
    # seen_in naming both files) and brings rows and a column of its own.
    write_csv_atomic(links.iloc[: len(links) * 2 // 3], first, for_spreadsheet=False)
    write_csv_atomic(links.iloc[len(links) // 3 :].assign(extra="x"), second, for_spreadsheet=False)
    paths = [str(first), str(second)]
    expected = _in_memory(model, paths, tmp_path / "memory.csv")
    score_files(model, paths, tmp_path / "stream.csv", chunk_rows=61, buckets=4)
    assert (tmp_path / "stream.csv").read_bytes() == expected


def test_buckets_scored_by_two_processes_give_the_one_process_file(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    model, links = fitted
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    loaded = LinkClassifier.load(tmp_path / "m")
    export = tmp_path / "export.csv"
    write_csv_atomic(links, export, for_spreadsheet=False)
    one = score_files(loaded, [str(export)], tmp_path / "one.csv", chunk_rows=97, buckets=5)
    two = score_files(
        loaded,
        [str(export)],
        tmp_path / "two.csv",
        chunk_rows=97,
        buckets=5,
        workers=2,
        model_dir=tmp_path / "m",
    )
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert (two.links, two.flagged) == (one.links, one.flagged)
    assert not list(tmp_path.glob(".*"))  # the spill folder is gone


def _not_called(*args: object, **kwargs: object) -> None:
    raise AssertionError("the parent formatted scored rows itself")


def test_csv_lines_rendered_by_two_scoring_processes_are_the_in_memory_file(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSV outputs: each scoring process renders its buckets' rows as finished lines and the
    parent only interleaves them (it formats no cell): the in-memory file, byte for byte,
    gzipped too."""
    import linkclf.stream

    model, links = fitted
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    loaded = LinkClassifier.load(tmp_path / "m")
    hostile = ['=HYPERLINK("x")', "with, comma", 'with "quotes"', "line\nbreak", "+1", "東京", ""]
    links = links.assign(note=[hostile[i % len(hostile)] for i in range(len(links))])
    export = tmp_path / "export.csv"
    write_csv_atomic(links, export, for_spreadsheet=False)
    monkeypatch.setattr(linkclf.stream, "_assembled", _not_called)
    for name in ("scored.csv", "scored.csv.gz"):
        expected = _in_memory(loaded, [str(export)], tmp_path / f"memory-{name}")
        summary = score_files(
            loaded,
            [str(export)],
            tmp_path / name,
            chunk_rows=97,
            buckets=5,
            workers=2,
            model_dir=tmp_path / "m",
        )
        assert summary.workers == 2
        assert (tmp_path / name).read_bytes() == expected


def test_dates_with_a_fraction_of_a_second_are_formatted_by_the_parent(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pandas writes every date of a column with a fraction once one has one, so such rows
    are not rendered bucket by bucket: the parent writes them as before."""
    import linkclf.stream

    model, links = fitted
    links = links.assign(first_seen=links["first_seen"] + pd.Timedelta(milliseconds=250))
    export = tmp_path / "export.csv"
    write_csv_atomic(links, export, for_spreadsheet=False)
    expected = _in_memory(model, [str(export)], tmp_path / "memory.csv")
    assert b" 00:00:00.250+00:00," in expected
    monkeypatch.setattr(linkclf.stream, "_write_lines", _not_called)
    score_files(model, [str(export)], tmp_path / "stream.csv", chunk_rows=97, buckets=5)
    assert (tmp_path / "stream.csv").read_bytes() == expected


def test_lines_rendered_for_columns_the_merge_emptied_are_not_written(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    """Several exports: a column with values only in rows the merge folds away is rendered in
    every line but is not in the file; the scored frames, written as well, are merged instead."""
    from linkclf.stream import StreamRun

    model, links = fitted
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv_atomic(links.iloc[: len(links) * 2 // 3], first, for_spreadsheet=False)
    write_csv_atomic(links.iloc[len(links) // 3 :], second, for_spreadsheet=False)
    paths = [str(first), str(second)]
    expected = _in_memory(model, paths, tmp_path / "memory.csv")
    assert b"trust_flow" not in expected.split(b"\r\n", 1)[0]
    with StreamRun(model, paths, tmp_path / "stream.csv", chunk_rows=61, buckets=4) as run:
        run.read()
        run._spilled.present.add("trust_flow")  # as if a folded row had had a value
        run.score()
        assert all(done.lines_path and done.frame_path for done in run._scored)
        run.write()
    assert (tmp_path / "stream.csv").read_bytes() == expected


def test_header_only_export_gives_the_header_only_scored_file(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    model, links = fitted
    export = tmp_path / "empty.csv"
    write_csv_atomic(links.iloc[:0], export, for_spreadsheet=False)
    expected = _in_memory(model, [str(export)], tmp_path / "memory.csv")
    summary = score_files(model, [str(export)], tmp_path / "stream.csv", buckets=3)
    assert (tmp_path / "stream.csv").read_bytes() == expected
    assert summary.links == 0


def test_unscorable_rows_are_refused_and_nothing_is_written(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    model, links = fitted
    broken = links.copy()
    broken.loc[broken.index[150], "target_url"] = ""
    export = tmp_path / "broken.csv"
    write_csv_atomic(broken, export, for_spreadsheet=False)
    with pytest.raises(SchemaError, match="target_url"):
        score_files(model, [str(export)], tmp_path / "out.csv", chunk_rows=100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.csv"]


def test_bucket_of_is_stable_and_keeps_a_site_together() -> None:
    sites = pd.Series(["a.nl", "b.de", "a.nl", "", "c.fr"] * 3, dtype="string")
    ids = bucket_of(sites, 7)
    assert list(ids) == list(bucket_of(sites.iloc[::-1], 7)[::-1])
    for site in sites.unique():
        assert len(set(ids[(sites == site).to_numpy()])) == 1
    assert ids.min() >= 0 and ids.max() < 7


def test_an_error_from_a_scoring_process_arrives_whole() -> None:
    """A scoring process sends its error back by pickle: the one-line message survives."""
    import pickle

    error = SchemaError(
        expected="a source URL", found="none", fix="fill it in", where="x.csv, row 3"
    )
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes, as between processes)
    assert type(again) is SchemaError and str(again) == str(error)
    assert again.one_line() == error.one_line()


def test_features_do_not_depend_on_the_batch_a_profile_is_scored_in(
    fitted: tuple[LinkClassifier, pd.DataFrame],
) -> None:
    """Scoring processes score smaller batches than one process: every feature, to the last
    bit, must be the same (a BLAS product in the PCA projection once made them differ)."""
    from linkclf.profiles import featurise, profile_batches
    from linkclf.schema import conform

    model, links = fitted
    rows = conform(links)
    whole = featurise(model.builder(), rows)
    batched = pd.concat(
        [featurise(model.builder(), part) for part in profile_batches(rows, len(rows) // 5)]
    ).loc[whole.index]
    assert len(list(profile_batches(rows, len(rows) // 5))) > 2
    pd.testing.assert_frame_equal(whole, batched, check_exact=True)


def test_the_embedding_projection_of_a_row_does_not_depend_on_its_batch() -> None:
    import numpy as np

    from linkclf.features.builder import _project

    rng = np.random.default_rng(0)
    rows = rng.standard_normal((20_000, 128)).astype(np.float32)
    components = rng.standard_normal((16, 128)).astype(np.float32)
    whole = _project(rows, components)
    for start, stop in ((0, 777), (5_000, 5_001), (13_000, 20_000)):
        assert np.array_equal(_project(rows[start:stop], components), whole[start:stop])


def _killed(*job: object) -> None:
    """A scoring process that dies as the system's out-of-memory killer would end it."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def _two_process_run(fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path) -> dict:
    model, links = fitted
    model.save(tmp_path / "m", metrics={}, card="", extra={})
    export = tmp_path / "export.csv"
    write_csv_atomic(links, export, for_spreadsheet=False)
    return {
        "model": LinkClassifier.load(tmp_path / "m"),
        "paths": [str(export)],
        "output": tmp_path / "out.csv",
        "buckets": 4,
        "workers": 2,
        "model_dir": tmp_path / "m",
    }


def test_a_killed_scoring_process_is_one_line_and_no_output(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkclf.stream
    from linkclf.errors import ResourceError

    run = _two_process_run(fitted, tmp_path)
    # The job function is sent to the processes by name: this module's _killed runs there.
    monkeypatch.setattr(linkclf.stream, "_score_bucket_in_process", _killed)
    with pytest.raises(ResourceError, match="--workers 1") as caught:
        score_files(**run)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_model_a_scoring_process_cannot_load_is_the_loading_error(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    from linkclf.errors import ModelError

    run = _two_process_run(fitted, tmp_path)
    (tmp_path / "m" / "model.json").write_text("{nope")  # after the parent loaded it
    with pytest.raises(ModelError, match="model.json"):
        score_files(**run)
    assert not (tmp_path / "out.csv").exists()


def test_scoring_processes_start_while_the_parent_still_reads(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They import and load the model during the spill (on the core it leaves idle): started
    after the first chunk, before the last one; the file is the one-process file."""
    import linkclf.stream

    run = _two_process_run(fitted, tmp_path)
    events: list[str] = []
    real_pool = linkclf.stream.ScoringPool

    def recorded_pool(*args: object, **kwargs: object) -> object:
        events.append("processes started")
        return real_pool(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(linkclf.stream, "ScoringPool", recorded_pool)
    score_files(**run, chunk_rows=100, progress=events.append)
    reads = [
        i for i, event in enumerate(events) if event.startswith("read ") and "file" not in event
    ]
    assert len(reads) > 2
    assert events.count("processes started") == 1
    assert reads[0] < events.index("processes started") < reads[-1]
    one = score_files(run["model"], run["paths"], tmp_path / "one.csv", buckets=4)
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert one.links == len(fitted[1])


def test_a_refused_row_after_the_processes_started_stops_them_and_writes_nothing(
    fitted: tuple[LinkClassifier, pd.DataFrame], tmp_path: Path
) -> None:
    import multiprocessing

    run = _two_process_run(fitted, tmp_path)
    _, links = fitted
    broken = links.copy()
    broken.loc[broken.index[-5], "target_url"] = ""  # in the last chunk: the processes are up
    write_csv_atomic(broken, run["paths"][0], for_spreadsheet=False)
    with pytest.raises(SchemaError, match="target_url"):
        score_files(**run, chunk_rows=100)
    assert not multiprocessing.active_children()
    assert not (tmp_path / "out.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
