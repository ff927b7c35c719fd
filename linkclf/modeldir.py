"""Validate a model directory before any of it is used: a damaged model is one line, never a crash.

A model directory is data from disk that may have been truncated, edited or replaced, and two
of its readers are unforgiving: LightGBM's C++ text parser aborts or segfaults the process on a
damaged tree (an out-of-range child index, a ``tree_sizes`` that points past the end), and
``np.load`` allocates whatever a ``.npy`` header claims. So everything is checked here first,
with Python only:

* every file is a regular file (a FIFO would block ``open``; a device or directory is refused);
* ``model.json`` and ``features/features.json``: JSON objects with the fields and types load
  uses, a finite threshold in [0, 1], a calibration that maps into [0, 1] and is monotone, a
  feature probe (linkclf.probe) of one number or null per feature column;
* each ``.npy``: dtype and shape read from its header (float, sensible sizes, file length
  matching) before a byte of data is allocated, then finite values of the shapes the embedder
  needs;
* each LightGBM text model: the SHA-256 recorded in model.json at save time (models saved
  before it existed are checked on structure only), then its structure -- header fields, one
  ``Tree=`` block per entry of ``tree_sizes`` with exactly those byte sizes, every tree's
  arrays of the right lengths and types, split features below the number of features, child
  indices forming one tree, categorical splits inside their tables, the parameters and
  ``pandas_categorical`` lines LightGBM's Python side parses.

Each problem raises :class:`~linkclf.errors.ModelError` naming the file, the field and what
was expected.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tokenize
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy_format

from linkclf import inputfile
from linkclf.errors import LinkclfError, ModelError

MODEL_FORMAT = "linkclf-model/1"
FEATURES_FORMAT = "linkclf-features/1"
#: The LightGBM text models a model directory may hold.
BOOSTERS = ("model.lgb.txt", "kinds.lgb.txt")
#: Projection arrays of the FeatureBuilder: file -> number of dimensions.
ARRAYS = {
    "anchor_mean.npy": 1,
    "anchor_components.npy": 2,
    "context_mean.npy": 1,
    "context_components.npy": 2,
}
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_BOOSTER_BYTES = 1024 * 1024 * 1024
MAX_ARRAY_ELEMENTS = 50_000_000
MAX_DIM = 65_536
MAX_FEATURES = 100_000
MAX_CLASSES = 1_000
_FIX = "retrain the model (linkclf train) or restore the directory from a backup"


def _error(where: Path | str, expected: str, found: str) -> ModelError:
    return ModelError(expected=expected, found=found, fix=_FIX, where=str(where))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read(path: Path, max_bytes: int) -> bytes:
    """Bytes of a regular file (a FIFO, device or directory is refused without blocking)."""
    if not path.exists() and not path.is_symlink():
        raise _error(path, "this file of the model directory", "no such file")
    try:
        return inputfile.read_bytes(path, "a file of the model directory", max_bytes)
    except LinkclfError as exc:
        raise _error(path, exc.expected, exc.found) from None


# ------------------------------------------------------------------------------------ JSON
def _load_json(path: Path) -> dict[str, Any]:
    data = _read(path, MAX_JSON_BYTES)
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _error(path, "valid UTF-8 JSON", f"{type(exc).__name__}: {str(exc)[:80]}") from None
    except RecursionError:
        raise _error(path, "a JSON object", "JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise _error(path, "a JSON object", f"a JSON {type(value).__name__}")
    return value


def _field(path: Path, obj: dict[str, Any], name: str, kind: str, *, required: bool = True) -> Any:
    """``obj[name]`` checked against ``kind``: str, int, number, list[str], list[number], dict."""
    if name not in obj:
        if required:
            raise _error(path, f"a field {name!r}", "none")
        return None
    value = obj[name]
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "list[number]": isinstance(value, list)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value),
        "dict": isinstance(value, dict),
        "str|null": value is None or isinstance(value, str),
        "int|null": value is None or (isinstance(value, int) and not isinstance(value, bool)),
        "list[str]|null": value is None
        or (isinstance(value, list) and all(isinstance(v, str) for v in value)),
    }[kind]
    if not ok:
        raise _error(path, f"field {name!r} of type {kind}", _short(value))
    return value


def _check_embedder(path: Path, name: str) -> None:
    base = name.split(":", 1)[0]
    if base.startswith("hashing-"):
        dim = base.split("-", 1)[1]
        if not dim.isdigit() or not 1 <= int(dim) <= MAX_DIM:
            raise _error(path, f"field 'embedder' hashing-N with N in 1..{MAX_DIM}", _short(name))


#: The JSON type of each hyperparameter a model.json records (the constructor's argument types).
HYPERPARAMETER_KINDS = {
    "params": "dict",
    "num_boost_round": "int",
    "early_stopping_rounds": "int|null",
    "exclude_families": "list[str]",
    "threshold_beta": "number",
    "exclude_features": "list[str]",
}


def validate_meta(root: Path) -> dict[str, Any]:
    """model.json checked field by field; returns it."""
    path = root / "model.json"
    meta = _load_json(path)
    fmt = meta.get("format")
    if fmt != MODEL_FORMAT:
        raise _error(path, f"field 'format' {MODEL_FORMAT!r}", _short(fmt))
    _check_embedder(path, _field(path, meta, "embedder", "str"))
    columns = _field(path, meta, "feature_columns", "list[str]")
    if not columns or len(columns) > MAX_FEATURES or len(set(columns)) != len(columns):
        raise _error(path, "field 'feature_columns': distinct names", f"{len(columns)} names")
    _field(path, meta, "exclude_families", "list[str]", required=False)
    _field(path, meta, "kinds", "list[str]", required=False)
    threshold = _field(path, meta, "threshold", "number")
    if not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise _error(path, "field 'threshold' a finite number in [0, 1]", _short(threshold))
    calibrator = _field(path, meta, "calibrator", "dict")
    x = _field(path, calibrator, "x", "list[number]")
    y = _field(path, calibrator, "y", "list[number]")
    where = f"{path} (calibrator)"
    if not x or len(x) != len(y):
        raise _error(where, "x and y of one same non-zero length", f"{len(x)} and {len(y)}")
    if not all(math.isfinite(v) for v in x) or any(b < a for a, b in zip(x, x[1:], strict=False)):
        raise _error(where, "x finite and non-decreasing", "values that are not")
    if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in y):
        raise _error(
            where, "y (probabilities) in [0, 1]", _short([v for v in y if not 0 <= v <= 1])
        )
    if any(b < a for a, b in zip(y, y[1:], strict=False)):
        raise _error(where, "y non-decreasing (a monotone calibration)", "a decrease")
    training = _field(path, meta, "training", "dict", required=False)
    if training is not None:
        _field(path, training, "name", "str", required=False)
        _field(path, training, "data", "list[str]", required=False)
        split = _field(path, training, "split", "dict", required=False)
        if split is not None:
            for key in ("seed", "valid_size", "test_size"):
                _field(path, split, key, "number")
    _field(path, meta, "config", "dict", required=False)
    hyper = _field(path, meta, "hyperparameters", "dict", required=False)
    if hyper is not None:
        # LinkClassifier's constructor arguments, as LinkClassifier.hyperparameters writes them
        # (unknown names are refused by LinkClassifier.load, which knows the list).
        for name, kind in HYPERPARAMETER_KINDS.items():
            _field(path, hyper, name, kind, required=False)
    probe = _field(path, meta, "probe", "dict", required=False)
    if probe is not None:
        _check_probe(path, probe, len(columns))
    checksums = _field(path, meta, "checksums", "dict", required=False)
    if checksums is not None:
        for name, digest in checksums.items():
            if name not in BOOSTERS or not isinstance(digest, str):
                raise _error(path, "checksums of model.lgb.txt / kinds.lgb.txt", _short(name))
    return meta


def _check_probe(path: Path, probe: dict[str, Any], n_features: int) -> None:
    """model.json's ``probe`` (linkclf.probe): a digest and rows of numbers or nulls, one value
    per feature column."""
    where = f"{path} (probe)"
    _field(path, probe, "links_sha256", "str")
    rows = probe.get("features")
    if not isinstance(rows, list) or len(rows) > MAX_FEATURES:
        raise _error(where, "field 'features': a list of rows", _short(type(rows).__name__))
    for row in rows:
        if not isinstance(row, list) or len(row) != n_features:
            raise _error(where, f"rows of {n_features} values", _short(row))
        for v in row:
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise _error(where, "numbers or null", _short(v))


def validate_features(root: Path, embedder_dim: int | None = None) -> dict[str, Any]:
    """features/features.json and the projection arrays; returns the config.

    ``embedder_dim`` (when known) is the width the arrays must have.
    """
    path = root / "features.json"
    config = _load_json(path)
    fmt = config.get("format")
    if fmt != FEATURES_FORMAT:
        raise _error(path, f"field 'format' {FEATURES_FORMAT!r}", _short(fmt))
    _check_embedder(path, _field(path, config, "embedder", "str"))
    n_components = _field(path, config, "n_components", "int")
    if not 1 <= n_components <= MAX_DIM:
        raise _error(path, f"field 'n_components' in 1..{MAX_DIM}", _short(n_components))
    _field(path, config, "money_terms", "list[str]|null", required=False)
    names = _field(path, config, "feature_names", "list[str]")
    if not names or len(names) > MAX_FEATURES:
        raise _error(path, f"field 'feature_names': 1 to {MAX_FEATURES:,} names", str(len(names)))
    families = _field(path, config, "families", "dict")
    if not all(isinstance(v, str) for v in families.values()):
        raise _error(path, "field 'families' mapping names to strings", "other values")
    shapes = {name: _array(root / name, ndim) for name, ndim in ARRAYS.items()}
    for prefix in ("anchor", "context"):
        (dim,) = shapes[f"{prefix}_mean.npy"]
        rows, width = shapes[f"{prefix}_components.npy"]
        where = root / f"{prefix}_components.npy"
        if width != dim or rows > n_components:
            raise _error(
                where,
                f"shape (<= {n_components}, {dim}) to match {prefix}_mean.npy",
                f"shape {(rows, width)}",
            )
        if embedder_dim is not None and dim != embedder_dim:
            raise _error(root / f"{prefix}_mean.npy", f"shape ({embedder_dim},)", f"({dim},)")
    return config


def _array(path: Path, ndim: int) -> tuple[int, ...]:
    """Shape of a float .npy, from its header, checked before the data is read."""
    try:
        handle = inputfile.open_regular(path, "a .npy file of the model directory")
    except LinkclfError as exc:
        raise _error(path, exc.expected, exc.found) from None
    with handle:
        try:
            version = npy_format.read_magic(handle)
            if version == (1, 0):
                shape, fortran, dtype = npy_format.read_array_header_1_0(handle)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = npy_format.read_array_header_2_0(handle)
            else:
                raise ValueError(f"unknown .npy version {version}")
            offset = handle.tell()
        # A damaged 1.0 header can also fail in NumPy's tokenize-based repair of old headers.
        except (ValueError, OSError, SyntaxError, TypeError, tokenize.TokenError) as exc:
            raise _error(path, "a NumPy .npy array", f"no valid header ({str(exc)[:80]})") from None
        if dtype.kind != "f" or dtype.hasobject or dtype.itemsize not in (4, 8):
            raise _error(path, "an array of float32/float64", f"dtype {dtype}")
        if len(shape) != ndim or any(not 0 < n <= MAX_DIM for n in shape):
            raise _error(path, f"a {ndim}-D array of sizes 1..{MAX_DIM}", f"shape {shape}")
        count = math.prod(shape)
        if count > MAX_ARRAY_ELEMENTS:
            raise _error(path, f"at most {MAX_ARRAY_ELEMENTS:,} values", f"{count:,}")
        size = os.fstat(handle.fileno()).st_size
        if size != offset + count * dtype.itemsize:
            raise _error(
                path, f"{offset + count * dtype.itemsize:,} bytes for shape {shape}", f"{size:,}"
            )
        data = np.fromfile(handle, dtype=dtype, count=count)
    if not np.isfinite(data).all():
        raise _error(path, "finite values", "NaN or infinity")
    return tuple(int(n) for n in shape)


# -------------------------------------------------------------------------------- LightGBM
_KEY_VALUE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_PARAMETER = re.compile(r"^\[[A-Za-z0-9_]+: [^\"\\\x00-\x1f]*\]$")


def checksum(path: Path) -> str:
    """SHA-256 of a file, as recorded in model.json at save time."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksums(root: Path) -> dict[str, str]:
    """SHA-256 of each LightGBM text model in ``root`` (for model.json, at save time)."""
    return {name: checksum(root / name) for name in BOOSTERS if (root / name).is_file()}


#: Numbers as LightGBM writes them. Python's int()/float() also take "1_0", " 7", "inf" and
#: "nan", which LightGBM's parser reads differently (or not at all): only these forms pass.
_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
#: LightGBM's Tree parser reads at most this many key=value lines, up to the first blank line.
_MAX_TREE_LINES = 22


def _parts(value: str) -> list[str]:
    # LightGBM splits on single spaces: two spaces make an empty value, a count mismatch.
    return value.split(" ") if value != "" else []


def _ints(where: str, key: str, value: str, count: int) -> list[int]:
    parts = _parts(value)
    if not all(_INT.fullmatch(p) for p in parts):
        raise _error(where, f"{key}: integers", _short(value))
    numbers = [int(p) for p in parts]
    if len(numbers) != count:
        raise _error(where, f"{key}: {count} values", f"{len(numbers)}")
    return numbers


def _floats(where: str, key: str, value: str, count: int, *, finite: bool) -> list[float]:
    parts = _parts(value)
    special = () if finite else ("inf", "-inf", "nan", "-nan")  # LightGBM writes these
    if not all(_FLOAT.fullmatch(p) or p in special for p in parts):
        raise _error(where, f"{key}: decimal numbers", _short(value))
    numbers = [float(p) for p in parts]
    if len(numbers) != count:
        raise _error(where, f"{key}: {count} values", f"{len(numbers)}")
    if any(math.isnan(v) or (finite and math.isinf(v)) for v in numbers):
        raise _error(where, f"{key}: finite numbers", "NaN or infinity")
    return numbers


def _tree(where: str, fields: dict[str, str], n_features: int) -> None:
    """One ``Tree=`` block: the arrays LightGBM's Tree(const char*) reads, and their meaning."""
    for key in ("num_leaves", "num_cat", "leaf_value"):
        if key not in fields:
            raise _error(where, f"a field {key!r}", "none")
    (leaves,) = _ints(where, "num_leaves", fields["num_leaves"], 1)
    (n_cat,) = _ints(where, "num_cat", fields["num_cat"], 1)
    if not 1 <= leaves <= 1_000_000 or not 0 <= n_cat <= leaves:
        raise _error(where, "num_leaves >= 1 and 0 <= num_cat <= num_leaves", f"{leaves}, {n_cat}")
    if fields.get("is_linear", "0").strip() != "0":
        raise _error(where, "is_linear=0 (linkclf trains no linear trees)", fields["is_linear"])
    _floats(where, "leaf_value", fields["leaf_value"], leaves, finite=True)
    for key in ("leaf_weight", "leaf_count"):
        if fields.get(key, "").strip():  # optional; a one-leaf tree writes it empty
            _floats(where, key, fields[key], leaves, finite=False)
    if "shrinkage" in fields:
        _floats(where, "shrinkage", fields["shrinkage"], 1, finite=True)
    internal = leaves - 1
    if internal == 0:
        return
    for key in ("split_feature", "split_gain", "threshold", "decision_type", "left_child",
                "right_child"):  # fmt: skip
        if key not in fields:
            raise _error(where, f"a field {key!r}", "none")
    features = _ints(where, "split_feature", fields["split_feature"], internal)
    if any(not 0 <= f < n_features for f in features):
        raise _error(where, f"split_feature indices in 0..{n_features - 1}", "one outside")
    _floats(where, "split_gain", fields["split_gain"], internal, finite=False)
    thresholds = _floats(where, "threshold", fields["threshold"], internal, finite=False)
    decisions = _ints(where, "decision_type", fields["decision_type"], internal)
    for key in ("internal_value", "internal_weight", "internal_count"):
        if fields.get(key, "").strip():
            _floats(where, key, fields[key], internal, finite=False)
    if any(not 0 <= d <= 15 or (d >> 2) & 3 == 3 for d in decisions):
        raise _error(where, "decision_type values LightGBM writes (0..15)", "another")
    if n_cat:
        for key in ("cat_boundaries", "cat_threshold"):
            if key not in fields:
                raise _error(where, f"a field {key!r} (num_cat > 0)", "none")
        bounds = _ints(where, "cat_boundaries", fields["cat_boundaries"], n_cat + 1)
        cats = fields["cat_threshold"].split()
        _ints(where, "cat_threshold", fields["cat_threshold"], len(cats))
        if (
            bounds[0] != 0
            or bounds[-1] != len(cats)
            or any(b < a for a, b in zip(bounds, bounds[1:], strict=False))
        ):
            raise _error(where, "cat_boundaries rising from 0 to len(cat_threshold)", "others")
    for d, t in zip(decisions, thresholds, strict=True):
        if d & 1 and (not n_cat or t != int(t) or not 0 <= int(t) < n_cat):
            raise _error(where, f"categorical split thresholds in 0..{n_cat - 1}", _short(t))
    left = _ints(where, "left_child", fields["left_child"], internal)
    right = _ints(where, "right_child", fields["right_child"], internal)
    # One tree: from node 0, every internal node and every leaf reached exactly once.
    seen_nodes, seen_leaves, stack = {0}, set(), [0]
    while stack:
        node = stack.pop()
        for child in (left[node], right[node]):
            if child >= 0:
                if child >= internal or child in seen_nodes:
                    raise _error(where, "child indices forming one tree", f"node {child} again")
                seen_nodes.add(child)
                stack.append(child)
            else:
                leaf = ~child
                if leaf >= leaves or leaf in seen_leaves:
                    raise _error(where, "child indices forming one tree", f"leaf {leaf} again")
                seen_leaves.add(leaf)
    if len(seen_nodes) != internal or len(seen_leaves) != leaves:
        raise _error(where, "every node and leaf reachable from the root", "some not")


def _tree_fields(where: str, lines: list[str]) -> dict[str, str]:
    """The key=value lines of a tree as LightGBM's parser reads them: up to the first blank
    line, at most 22 (a line without '=' would make it scan on into the next line)."""
    fields: dict[str, str] = {}
    for index, line in enumerate(lines):
        if line == "":
            if any(lines[index:]):
                raise _error(where, "no blank line inside a tree", "one")
            break
        match = _KEY_VALUE.fullmatch(line)
        if match is None:
            raise _error(where, "lines key=value", _short(line))
        if index >= _MAX_TREE_LINES:
            raise _error(where, f"at most {_MAX_TREE_LINES} lines in a tree", "more")
        fields[match.group(1)] = match.group(2)
    return fields


def validate_booster(path: Path, n_features: int, n_classes: int, digest: str | None) -> None:
    """A LightGBM text model checked as described in the module docstring.

    The structural check parses every tree in Python (about 1 s for the default model, most of
    ``linkclf score``'s start-up on a small export), so a pass is remembered: a marker named by
    the file's SHA-256, the expected shape and this module's own hash, in linkclf's cache
    folder. The same bytes checked by the same rules pass again without the parse; other bytes
    or changed rules are checked in full.
    """
    data = _read(path, MAX_BOOSTER_BYTES)
    sha = hashlib.sha256(data).hexdigest()
    if digest is not None and sha != digest:
        raise _error(
            path,
            "the SHA-256 recorded in model.json when the model was saved",
            "different bytes (the file was edited or damaged)",
        )
    marker = _pass_marker(sha, n_features, n_classes)
    if marker is not None and marker.is_file():
        return
    _check_booster_text(path, data, n_features, n_classes)
    if marker is not None:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:  # a read-only cache: the check simply runs again next time
            pass


def _pass_marker(sha: str, n_features: int, n_classes: int) -> Path | None:
    """Where a passed structural check of these bytes is remembered (None: nowhere)."""
    from linkclf.features.embed import cache_root

    try:
        rules = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    except OSError:
        return None
    return cache_root() / "validated" / f"{sha}-{n_features}-{n_classes}-{rules}"


def _check_booster_text(path: Path, data: bytes, n_features: int, n_classes: int) -> None:
    """The structural check of a LightGBM text model (see the module docstring)."""
    where = str(path)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise _error(where, "LightGBM's ASCII text model", "non-ASCII bytes") from None
    if "\r" in text or "\x00" in text:
        raise _error(where, "LightGBM's text model with \\n line ends", "CR or NUL bytes")
    first_tree = text.find("\nTree=")
    end = text.find("\nend of trees\n")
    if not text.startswith("tree\n") or first_tree < 0 or end < first_tree:
        raise _error(where, "a LightGBM text model ('tree', Tree= blocks, 'end of trees')",
                     "a file without them")  # fmt: skip
    header: dict[str, str] = {}
    for line in text[:first_tree].split("\n")[1:]:
        match = _KEY_VALUE.match(line)
        if match:
            header[match.group(1)] = match.group(2)
        elif line.strip():
            raise _error(where, "header lines key=value", _short(line))
    for key in ("version", "num_class", "num_tree_per_iteration", "max_feature_idx",
                "feature_names", "tree_sizes", "objective"):  # fmt: skip
        if key not in header:
            raise _error(where, f"a header field {key!r}", "none")
    (num_class,) = _ints(where, "num_class", header["num_class"], 1)
    (per_iter,) = _ints(where, "num_tree_per_iteration", header["num_tree_per_iteration"], 1)
    (max_idx,) = _ints(where, "max_feature_idx", header["max_feature_idx"], 1)
    if num_class != n_classes or per_iter != n_classes:
        raise _error(where, f"num_class = num_tree_per_iteration = {n_classes}",
                     f"{num_class} and {per_iter}")  # fmt: skip
    if max_idx + 1 != n_features:
        raise _error(where, f"max_feature_idx {n_features - 1} (the model's feature columns)",
                     str(max_idx))  # fmt: skip
    if len(header["feature_names"].split()) != n_features:
        raise _error(
            where, f"{n_features} feature_names", str(len(header["feature_names"].split()))
        )
    if "feature_infos" in header and len(header["feature_infos"].split()) != n_features:
        raise _error(where, f"{n_features} feature_infos", "another count")
    body = text[first_tree + 1 : end + 1]
    starts = [m.start() for m in re.finditer(r"^Tree=", body, re.MULTILINE)]
    sizes = [b - a for a, b in zip(starts, [*starts[1:], len(body)], strict=True)]
    declared = header["tree_sizes"].split()
    if [str(s) for s in sizes] != declared:
        raise _error(where, f"tree_sizes matching the {len(sizes)} Tree= blocks", "others")
    if len(sizes) % per_iter:
        raise _error(where, f"a multiple of {per_iter} trees", str(len(sizes)))
    for index, start in enumerate(starts):
        block = body[start : start + sizes[index]].split("\n")
        name = f"{where}, Tree={index}"
        if block[0] != f"Tree={index}":
            raise _error(name, f"a block headed Tree={index}", _short(block[0]))
        _tree(name, _tree_fields(name, block[1:]), n_features)
    _validate_tail(where, text[end + len("\nend of trees\n") :])


def _validate_tail(where: str, tail: str) -> None:
    """The parameters block and the pandas_categorical line lightgbm's Python code parses."""
    if "parameters:\n" in tail:
        block = tail.split("parameters:\n", 1)[1]
        if "end of parameters" not in block:
            raise _error(where, "'end of parameters' after 'parameters:'", "none")
        for line in block.split("end of parameters", 1)[0].split("\n"):
            if line and not _PARAMETER.match(line):
                raise _error(where, "parameter lines [name: value]", _short(line))
    lines = [line for line in tail.split("\n") if line.startswith("pandas_categorical:")]
    for line in lines:
        try:
            value = json.loads(line[len("pandas_categorical:") :])
        except (ValueError, RecursionError):
            raise _error(where, "pandas_categorical: JSON", _short(line)) from None
        if value is not None and not isinstance(value, list):
            raise _error(where, "pandas_categorical: null or a list", _short(line))


# ------------------------------------------------------------------------------- directory
def validate(root: str | os.PathLike[str], embedder_dim: int | None = None) -> dict[str, Any]:
    """Check a whole model directory before loading it; returns model.json's content.

    Raises
    ------
    ModelError
        one line naming the file, the field and what was expected.
    """
    path = Path(root)
    if not path.is_dir():
        raise ModelError(
            expected="a model directory with model.json and model.lgb.txt",
            found="no directory there" if not path.exists() else "a file, not a directory",
            fix="train one with `linkclf train` or pass --model to an existing model directory",
            where=str(path),
        )
    meta = validate_meta(path)
    config = validate_features(path / "features", embedder_dim)
    missing = sorted(set(meta["feature_columns"]) - set(config["feature_names"]))
    if missing:
        raise _error(path / "model.json", "feature_columns among features.json's feature_names",
                     _short(missing[:3]))  # fmt: skip
    if meta["embedder"] != config["embedder"]:
        raise _error(path / "features" / "features.json",
                     f"embedder {meta['embedder']!r} as in model.json", _short(config["embedder"]))  # fmt: skip
    digests = meta.get("checksums") or {}
    n_features = len(meta["feature_columns"])
    validate_booster(path / "model.lgb.txt", n_features, 1, digests.get("model.lgb.txt"))
    kinds = meta.get("kinds") or []
    kinds_path = path / "kinds.lgb.txt"
    if os.path.lexists(kinds_path):
        if len(kinds) < 2:
            raise _error(path / "model.json", "field 'kinds' naming the kind model's classes",
                         _short(kinds))  # fmt: skip
        if digests and "kinds.lgb.txt" not in digests:
            raise _error(path / "model.json", "a checksum of kinds.lgb.txt", "none")
        validate_booster(kinds_path, n_features, len(kinds), digests.get("kinds.lgb.txt"))
    return meta
