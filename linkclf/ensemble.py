"""Several binary LightGBM boosters as one: the mean of their raw scores, in one model text.

Why one model rather than a list of them: a binary LightGBM model's raw score is the sum of its
trees' leaf values. Dividing every leaf value by K and putting the K members' trees one after
the other gives a model whose raw score is the members' mean (up to the last bit of rounding).
Everything downstream takes it as it is: prediction, TreeSHAP (Shapley values are linear in the
game, so the mean model's values are the members' mean values), the model directory, its
checksums and the TreeSHAP cache.

Why average at all (issue 10): the default model is trained on simulated profiles, and which
profiles one draw of the simulator happens to contain moved the flag rate on real natural links
by 1-3 points, more than any simulator change tried (docs/learning-curve.md). Members trained on
disjoint sets of simulated target sites average that out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import lightgbm as lgb

from linkclf.errors import ModelError

_TREE_START = re.compile(r"^Tree=\d+\n", re.MULTILINE)
_END_OF_TREES = "end of trees\n"
#: Lines of a tree block that carry a value added to the raw score (internal_value is what a
#: node would predict; LightGBM writes it for every node, so it is scaled with the leaves).
_SCALED_KEYS = ("leaf_value", "internal_value")


def average_boosters(members: Sequence[lgb.Booster]) -> lgb.Booster:
    """One booster whose raw score is the mean of ``members``' raw scores.

    The members must be binary models over the same features, one tree per iteration and no
    linear trees (what ``LinkClassifier`` grows). One member is returned as it is.
    """
    if not members:
        raise ModelError("at least one booster to average", "none", "train a member first")
    if len(members) == 1:
        return members[0]
    return lgb.Booster(model_str=average_model_texts([m.model_to_string() for m in members]))


def average_model_texts(texts: Sequence[str]) -> str:
    """The model text of :func:`average_boosters` from the members' model texts."""
    parts = [_split(text) for text in texts]
    headers = [_header_lines(header) for header, _, _ in parts]
    first = headers[0]
    for i, header in enumerate(headers):
        for key, expected in (("num_tree_per_iteration", "1"), ("num_class", "1")):
            if header.get(key) != expected:
                raise ModelError(
                    f"binary models with one tree per iteration ({key}={expected})",
                    f"member {i} with {key}={header.get(key)}",
                    "average binary LinkClassifier boosters only",
                )
        if not header.get("objective", "").startswith("binary"):
            raise ModelError(
                "binary models", f"member {i} with objective {header.get('objective')}", "-"
            )
        if header.get("feature_names") != first.get("feature_names"):
            raise ModelError(
                "members over the same features in the same order",
                f"member {i} with other features",
                "train every member from one feature frame",
            )
    scale = 1.0 / len(texts)
    blocks = [_scaled(block, scale) for _, trees, _ in parts for block in trees]
    numbered = [f"Tree={i}\n{body}" for i, body in enumerate(blocks)]
    merged_header = _rewrite_header(
        parts[0][0],
        tree_sizes=" ".join(str(len(block.encode())) for block in numbered),
        feature_infos=_merged_infos([h["feature_infos"] for h in headers]),
    )
    names = first["feature_names"].split()
    importances = _split_counts(blocks, names)
    return (
        merged_header
        + "".join(numbered)
        + _END_OF_TREES
        + "\nfeature_importances:\n"
        + "".join(f"{name}={count}\n" for name, count in importances)
        + parts[0][2]
    )


def _split(text: str) -> tuple[str, list[str], str]:
    """(header up to the first tree, tree bodies without their ``Tree=i`` line, the text after
    the feature importances: parameters and the rest)."""
    start = _TREE_START.search(text)
    end = text.find(_END_OF_TREES)
    if start is None or end < 0:
        raise ModelError("a LightGBM model text with trees", "none", "train the member again")
    bodies = _TREE_START.split(text[start.start() : end])[1:]
    rest = text[end + len(_END_OF_TREES) :]
    params = rest.find("\nparameters:\n")
    tail = rest[params:] if params >= 0 else rest
    return text[: start.start()], bodies, tail


def _header_lines(header: str) -> dict[str, str]:
    out = {}
    for line in header.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


def _rewrite_header(header: str, **values: str) -> str:
    lines = []
    for line in header.split("\n"):
        key = line.partition("=")[0]
        lines.append(f"{key}={values[key]}" if key in values and "=" in line else line)
    return "\n".join(lines)


def _scaled(body: str, scale: float) -> str:
    lines = body.split("\n")
    for i, line in enumerate(lines):
        key, sep, value = line.partition("=")
        if sep and key in _SCALED_KEYS:
            lines[i] = f"{key}=" + " ".join(repr(float(v) * scale) for v in value.split())
        elif sep and key == "is_linear" and value.strip() != "0":
            raise ModelError(
                "trees without linear leaves", "a linear tree", "set linear_tree=false"
            )
    return "\n".join(lines)


def _merged_infos(infos: Sequence[str]) -> str:
    """Each feature's value range over every member (``[min:max]``; ``none`` when no member
    saw a value; anything else, a categorical list, as the first member has it)."""
    merged = []
    for values in zip(*(info.split() for info in infos), strict=True):
        ranges = [v[1:-1].split(":") for v in values if v.startswith("[") and v.endswith("]")]
        if any(v != "none" and not v.startswith("[") for v in values):
            merged.append(values[0])
        elif ranges:
            lows, highs = zip(*ranges, strict=True)
            merged.append(f"[{min(lows, key=float)}:{max(highs, key=float)}]")
        else:
            merged.append("none")
    return " ".join(merged)


def _split_counts(bodies: Sequence[str], names: Sequence[str]) -> list[tuple[str, int]]:
    """Splits per feature over all trees, most first (LightGBM's own feature_importances)."""
    counts: Counter[str] = Counter()
    for body in bodies:
        for line in body.split("\n"):
            if line.startswith("split_feature="):
                counts.update(names[int(i)] for i in line[len("split_feature=") :].split())
    return sorted(counts.items(), key=lambda kv: (-kv[1], names.index(kv[0])))
