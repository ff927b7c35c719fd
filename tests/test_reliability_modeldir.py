"""A damaged model directory is refused with one line naming file and field, never a crash (issue 15)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from linkclf.errors import ModelError
from linkclf.features import HashingEmbedder
from linkclf.model import LinkClassifier
from tests.conftest import tiny_setup


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = tiny_setup(seed=2)
    clf = LinkClassifier(t.features, num_boost_round=30).fit(
        t.X[t.train], t.y[t.train], t.X[t.valid], t.y[t.valid], t.data.loc[t.train, "kind"]
    )
    path = tmp_path_factory.mktemp("model") / "m"
    clf.save(path, metrics={}, card="# card", extra={"training": {"name": "m"}})
    return path


@pytest.fixture
def model(saved: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "m"
    shutil.copytree(saved, copy)
    return copy


def _json(path: Path, change: Callable[[dict], object]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def _set(key: str, value: object) -> Callable[[dict], None]:
    return lambda d: d.__setitem__(key, value)


def _with_tree_sizes(text: str) -> str:
    """``text`` with tree_sizes recomputed, as a careful editor would leave it."""
    body_start = text.index("\nTree=") + 1
    end = text.index("\nend of trees\n") + 1
    starts = [m.start() for m in re.finditer(r"^Tree=", text[body_start:end], re.M)]
    sizes = [b - a for a, b in zip(starts, [*starts[1:], end - body_start], strict=True)]
    return re.sub(
        r"^tree_sizes=.*$", "tree_sizes=" + " ".join(map(str, sizes)), text, count=1, flags=re.M
    )


def _lgb_edit(pattern: str, repl: str, keep_sizes: bool = True) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / "model.lgb.txt"
        text = re.sub(pattern, repl, path.read_text(), count=1, flags=re.M)
        path.write_text(_with_tree_sizes(text) if keep_sizes else text)

    return edit


def _npy(name: str, array: np.ndarray) -> Callable[[Path], None]:
    return lambda root: np.save(root / "features" / name, array)


def _huge_header(root: Path) -> None:
    path = root / "features" / "anchor_mean.npy"
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_1_0(
            handle, {"descr": "<f8", "fortran_order": False, "shape": (10**11,)}
        )


def _unclosed_header(root: Path) -> None:
    # A header NumPy cannot parse as a literal goes through its tokenize-based repair of old
    # headers, which fails with tokenize.TokenError (the fuzz test's seed 28 found it).
    path = root / "features" / "anchor_mean.npy"
    data = bytearray(path.read_bytes())
    data[: data.index(b"\n")] = data[: data.index(b"\n")].replace(b"}", b"[", 1)
    path.write_bytes(bytes(data))


def _npz(root: Path) -> None:
    path = root / "features" / "anchor_mean.npy"
    np.savez(root / "x.npz", a=np.zeros(3))
    shutil.move(root / "x.npz", path)


def _fifo(root: Path) -> None:
    path = root / "features" / "features.json"
    path.unlink()
    os.mkfifo(path)


TAMPERING: dict[str, tuple[Callable[[Path], None], str]] = {
    "model.json missing a key": (
        lambda r: _json(r / "model.json", lambda d: d.pop("threshold")),
        "model.json.*'threshold'",
    ),
    "model.json not JSON": (lambda r: (r / "model.json").write_text("{nope"), "model.json.*JSON"),
    "model.json a list": (lambda r: (r / "model.json").write_text("[1, 2]"), "JSON object"),
    "model.json deeply nested": (
        lambda r: (r / "model.json").write_text("[" * 100_000 + "]" * 100_000),
        "model.json",
    ),
    "threshold NaN": (
        lambda r: _json(r / "model.json", _set("threshold", float("nan"))),
        "threshold",
    ),
    "threshold -5": (lambda r: _json(r / "model.json", _set("threshold", -5)), "threshold"),
    "threshold 1e308": (lambda r: _json(r / "model.json", _set("threshold", 1e308)), "threshold"),
    "threshold a string": (
        lambda r: _json(r / "model.json", _set("threshold", "0.5")),
        "threshold",
    ),
    "calibrator above 1": (
        lambda r: _json(r / "model.json", _set("calibrator", {"x": [0, 1], "y": [0, 3]})),
        r"\[0, 1\]",
    ),
    "calibrator decreasing": (
        lambda r: _json(r / "model.json", _set("calibrator", {"x": [0, 1], "y": [0.9, 0.1]})),
        "monotone",
    ),
    "hyperparameters a number": (
        lambda r: _json(r / "model.json", _set("hyperparameters", 0.5)),
        "hyperparameters",
    ),
    "num_boost_round a string": (
        lambda r: _json(
            r / "model.json", lambda d: d["hyperparameters"].__setitem__("num_boost_round", "9")
        ),
        "num_boost_round",
    ),
    "features.json wrong type": (
        lambda r: _json(r / "features" / "features.json", _set("n_components", "16")),
        "n_components",
    ),
    "features.json names a dict": (
        lambda r: _json(r / "features" / "features.json", _set("feature_names", {"a": 1})),
        "feature_names",
    ),
    "npy of strings": (_npy("anchor_mean.npy", np.array(["a", "b"])), "dtype"),
    "npz renamed npy": (_npz, "anchor_mean.npy"),
    "npy header left unclosed": (_unclosed_header, "anchor_mean.npy"),
    "npy header claims 1e11 floats": (_huge_header, "anchor_mean.npy"),
    "npy with NaN": (_npy("context_mean.npy", np.full(64, np.nan)), "finite"),
    "FIFO as features.json": (_fifo, "FIFO"),
    "lgb truncated": (
        lambda r: (r / "model.lgb.txt").write_bytes((r / "model.lgb.txt").read_bytes()[:3000]),
        "model.lgb.txt",
    ),
    "lgb split_feature out of range": (
        _lgb_edit(r"^split_feature=\d+", "split_feature=999"),
        "model.lgb.txt",
    ),
    "lgb child index loops": (_lgb_edit(r"^left_child=\S+", "left_child=0"), "model.lgb.txt"),
    "lgb tree_sizes wrong": (
        _lgb_edit(r"^tree_sizes=\d+", "tree_sizes=99999999", keep_sizes=False),
        "model.lgb.txt",
    ),
    "lgb blank line inside a tree": (
        _lgb_edit(r"^leaf_value=", "\nleaf_value="),
        "blank line|SHA-256",
    ),
    "lgb number python reads, LightGBM not": (
        _lgb_edit(r"^left_child=(\d+)", r"left_child=\1_0"),
        "integers|SHA-256",
    ),
    "lgb not a model": (lambda r: (r / "model.lgb.txt").write_text("hello"), "model.lgb.txt"),
    "lgb is a directory": (
        lambda r: ((r / "model.lgb.txt").unlink(), (r / "model.lgb.txt").mkdir()),
        "directory",
    ),
    "kinds.lgb.txt truncated": (
        lambda r: (r / "kinds.lgb.txt").write_bytes((r / "kinds.lgb.txt").read_bytes()[:-500]),
        "kinds.lgb.txt",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_damaged_model_is_one_line_naming_the_file(model: Path, case: str) -> None:
    damage, match = TAMPERING[case]
    damage(model)
    with pytest.raises(ModelError, match=match) as info:
        LinkClassifier.load(model, embedder=HashingEmbedder())
    assert "\n" not in str(info.value)


def test_checksum_catches_an_edit_that_keeps_the_structure(model: Path) -> None:
    _lgb_edit(r"^shrinkage=1$", "shrinkage=0.5")(model)
    with pytest.raises(ModelError, match="SHA-256"):
        LinkClassifier.load(model, embedder=HashingEmbedder())


def test_old_model_without_checksum_loads_after_a_structure_check(model: Path) -> None:
    _json(model / "model.json", lambda d: d.pop("checksums"))
    loaded = LinkClassifier.load(model, embedder=HashingEmbedder())
    assert 0 <= loaded.threshold_ <= 1
    _lgb_edit(r"^split_feature=\d+", "split_feature=999")(model)
    with pytest.raises(ModelError, match="split_feature"):
        LinkClassifier.load(model, embedder=HashingEmbedder())


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_truncated_booster_through_the_cli_never_aborts(
    model: Path, tmp_path: Path, cut: float
) -> None:
    """What used to abort (exit -6) or segfault (139) inside LightGBM: exit 1, one line."""
    _json(model / "model.json", lambda d: d.pop("checksums"))  # the structure check alone
    data = (model / "model.lgb.txt").read_bytes()
    (model / "model.lgb.txt").write_bytes(data[: int(len(data) * cut)])
    export = tmp_path / "links.csv"
    export.write_text("source_url,target_url,anchor\nhttps://a.example/,https://b.example/,x\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(
        [sys.executable, "-c", "from linkclf.cli import main; main()", "score", str(export), "-o",
         str(tmp_path / "o.csv"), "--model", str(model)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "model.lgb.txt" in proc.stderr
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("case", sorted(c for c in TAMPERING if c.startswith(("lgb", "kinds"))))
def test_booster_damage_is_caught_by_the_structure_check_alone(model: Path, case: str) -> None:
    _json(model / "model.json", lambda d: d.pop("checksums"))
    damage, match = TAMPERING[case]
    damage(model)
    with pytest.raises(ModelError, match=match):
        LinkClassifier.load(model, embedder=HashingEmbedder())
