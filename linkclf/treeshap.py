"""Exact path-dependent TreeSHAP of a LightGBM model, vectorised over rows with NumPy.

LightGBM's ``predict(X, pred_contrib=True)`` runs the TreeSHAP recursion of Lundberg et al. once
per row and tree, at a cost of about leaves x depth^2 per tree and row. This module computes the
same numbers (the same game, the same covers, the same decisions) in a different order.

The math
--------
Path-dependent TreeSHAP values the coalition ``S`` of features of one tree at
``f(S) = sum over leaves of v * prod_{path features j in S} o_j * prod_{others} z_j``, where for
the features ``j = 1..K`` met on the leaf's root path (a feature split twice on one path is one
feature: ``z`` is the product of its cover ratios, ``o`` the AND of its conditions):

- ``z_j``: the share of the training rows that went this way at its split(s), cover(child) /
  cover(parent) with LightGBM's covers (``leaf_count`` / ``internal_count``, as its TreeSHAP);
- ``o_j`` in {0, 1}: whether *this row* goes this way at its split(s).

``f`` is a sum of one game per leaf, Shapley values are linear in the game, so a feature's value
is the sum over leaves of its Shapley value in the leaf's game. In that game only the K path
features play (the others are null players), and for feature ``i``::

    phi_i = v * (o_i - z_i) * sum_{k=0}^{K-1} k! (K-1-k)! / K! * e_k,
    e_k   = coefficient of t^k in prod_{j != i} (z_j + o_j t)

(``e_k`` sums, over the coalitions of ``k`` other features, the product of ``o`` inside and ``z``
outside). This is the quantity LightGBM's recursion accumulates leaf by leaf with its
``ExtendPath`` / ``UnwoundPathSum``; its extra root element (``z = o = 1``) is a null player,
which changes nobody's Shapley value. As the weights are Beta integrals
(``k!(K-1-k)!/K! = int_0^1 t^k (1-t)^(K-1-k) dt``), the sum is
``int_0^1 prod_{j != i} ((1-t) z_j + t o_j) dt``, a polynomial of degree K - 1 in ``t`` that
Gauss-Legendre quadrature with ``ceil(K / 2)`` nodes integrates exactly (the same identity as
Linear TreeShap, Yu et al. 2022); all factors are positive, so nothing cancels.

Why it is faster
----------------
Because ``o`` is binary, a leaf's contribution to a row depends only on the row's bit pattern
at the leaf's path splits (its *code*): the formula is evaluated once per *distinct* code of a
block of rows (two sibling leaves share one table: the right leaf's code is the left's with the
last bit flipped), and the values are gathered back to the rows and added into the output. The
cost per row is about leaves x K cheap array operations instead of leaves x depth^2 scalar
recursion steps. Two ways to organise it, chosen by the size of the block:

- Small blocks (up to ``_BATCHED_ROWS`` rows, :meth:`TreeShap._block`): consecutive trees are
  explained together in chunks of up to a few thousand units, so the NumPy calls are per chunk,
  not per tree or leaf. Every split of the chunk decides every row in one comparison; the codes
  of all the chunk's leaves are one sparse product of a (leaves x splits) matrix of +-2^depth
  with the decisions; the distinct (leaf, code) pairs come from one flag table (or one sort, for
  leaves too deep for 2^depth flags: 12 to 20 bits by block size); the Shapley tables are evaluated in one batch per
  number of players; and the rows' values are gathered and summed one feature at a time. The
  fixed cost is ~0.03 s for the shipped model's ~8,000 leaves instead of ~0.3 s.
- Large blocks (:meth:`TreeShap._block_per_tree`): tree by tree and table by table, the arrays
  being one row of the block per leaf, which stay in the CPU cache; the fixed cost per tree and
  leaf is small next to the work per row there.

Both give LightGBM's numbers within 1e-9 (about 1e-14 measured). The summation order differs
between the two (and from LightGBM's), so a row's last bits can depend on which of the two a
call's block size chooses; within one call every block adds in the same order (blocks and
threads do not change a bit).

Decisions replicate LightGBM's ``Tree::NumericalDecision``: ``x <= threshold`` goes left; NaN
(and, with missing type Zero, zero) goes the default direction; with missing type None, NaN is
0.0. Like LightGBM's dense-row reader, values with ``|x| <= 1e-35`` are read as 0.0. Models with
categorical splits, linear trees, several trees per iteration or averaged output are not
handled here (:class:`Unsupported`): the caller uses LightGBM for them.

The model is read from its text (``Booster.model_to_string``), never unpickled.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

#: LightGBM's kZeroThreshold (the float literal ``1e-35f``, as a double).
ZERO_THRESHOLD = float(np.float32(1e-35))

#: Bit masks of LightGBM's ``decision_type`` byte.
_CATEGORICAL_MASK = 1
_DEFAULT_LEFT_MASK = 2
_MISSING_NONE, _MISSING_ZERO, _MISSING_NAN = 0, 1, 2

#: Leaves whose path is longer than this find their rows' distinct codes by sorting instead of
#: a table of 2^depth flags (see TreeShap._plan); tree by tree (TreeShap._block_per_tree),
#: those deeper than _MAX_TREE_TABLE_BITS.
_MIN_TABLE_BITS, _MAX_TABLE_BITS = 12, 20
_MAX_TREE_TABLE_BITS = 20

#: Blocks of up to this many rows are explained chunk by chunk (TreeShap._block: a small fixed
#: cost), larger ones tree by tree (TreeShap._block_per_tree: a smaller cost per row).
_BATCHED_ROWS = 2048

#: Units (tables of a leaf or two sibling leaves) x rows of one chunk of consecutive trees
#: explained together (see TreeShap._chunks): bounds the temporaries at about 60 bytes a cell.
_CHUNK_CELLS = 1 << 21
_MIN_CHUNK_UNITS = 32
_MAX_CHUNK_UNITS = 4096

#: Units whose leaf is at most this many splits deep get a table of every code in the
#: tree-by-tree path (TreeShap.full_tables). Shipped model, 11k explained rows a call, CPU s
#: (build once / per call; 2.04 s per call without): 7 bits 0.13 / 1.67 s, 8 bits 0.22 / 1.56 s
#: (67% of its units, 17 MB), 10 bits 0.63 / 1.52 s (70 MB).
_FULL_TABLE_BITS = 8

#: Rows a thread must have to be worth starting (see TreeShap.contributions).
_ROWS_PER_THREAD = 10_000

#: A row's code at a leaf has one bit per split of its path and must fit an int64.
_MAX_CODE_BITS = 62


class Unsupported(ValueError):
    """The model has a feature this implementation does not replicate (use LightGBM's)."""


@dataclass(frozen=True)
class _Leaf:
    """One leaf's game: its path features, their cover products, its value.

    ``bit_feature[d]`` is the position in ``features`` of the feature split at path depth ``d``
    (bit ``d`` of a row's code is 1 where the row goes the leaf's way at that split); a feature
    goes the leaf's way (``o = 1``) where all its bits are 1.
    """

    value: float
    features: np.ndarray  # (K,) model feature indices, distinct
    z: np.ndarray  # (K,) product of cover ratios per feature
    bit_feature: np.ndarray  # (D,) index into ``features`` of each path bit
    masks: np.ndarray  # (K,) each feature's path bits: o = (code & mask) == mask


@dataclass(frozen=True)
class _Unit:
    """Leaves whose values reach the rows through one table: a leaf, or two sibling leaves.

    Sibling leaves have the same path features in the same order, and the right leaf's code of
    a row is the left leaf's with the last path bit flipped: one table over the left leaf's
    codes holds both leaves' values (``members``: each leaf with the mask its code is XORed
    with), so the rows gather and add once for the two.
    """

    leaf: int  # the leaf whose code the table is indexed by
    members: tuple[tuple[int, int], ...]  # (leaf, XOR mask of its code)
    features: np.ndarray  # (K,) shared by the members


@dataclass(frozen=True)
class _Tree:
    """One tree as arrays: its splits, the order to build leaf codes in, its leaves.

    A row's code at a node sums ``2^d`` over the splits of depth ``d`` above it where the row
    goes the node's way; codes are built from the root down (``preorder``: a parent before its
    children), so a leaf's code costs one addition per leaf and internal node.
    """

    expected_value: float
    feature: np.ndarray  # (I,) split feature per internal node
    threshold: np.ndarray  # (I,)
    default_left: np.ndarray  # (I,) bool
    missing_type: np.ndarray  # (I,) 0 None, 1 Zero, 2 NaN
    rank_row: np.ndarray  # (I,) feature, + n_features where NaN goes left (see _ranks)
    rank: np.ndarray  # (I,) position of the threshold among its feature's cuts (see _ranks)
    zero_nodes: tuple[int, ...]  # nodes of missing type Zero
    depth: np.ndarray  # (I,) depth of each internal node (the root is 0)
    preorder: tuple[int, ...]  # internal nodes, each after its parent
    left: np.ndarray  # (I,) children as in LightGBM: >= 0 internal node, < 0 leaf ~index
    right: np.ndarray
    leaves: tuple[_Leaf, ...]
    units: tuple[_Unit, ...]
    # The leaves' games padded to the tree's widest (K = width) with null players (mask 0, so
    # o = 1, and z = 1): a null player changes nobody's Shapley value and gets 0 itself, so all
    # leaves of a tree are evaluated in one batch.
    leaf_masks: np.ndarray  # (L, width) int64
    leaf_z: np.ndarray  # (L, width)
    leaf_value: np.ndarray  # (L,)
    nodes: np.ndarray  # Gauss-Legendre nodes on [0, 1] exact for width players
    node_weights: np.ndarray


@dataclass(frozen=True)
class _Chunk:
    """Consecutive trees explained together (see :meth:`TreeShap._block`), as flat arrays.

    Nodes are numbered within the chunk, units too; units are ordered by the size of their code
    table (those whose codes index the flag table first, see TreeShap._plan), then by number
    of players, then as in the trees. ``leaf_a`` / ``leaf_b`` are model-wide leaf numbers.
    """

    rank_row: np.ndarray  # (N,) as _Tree.rank_row
    rank: np.ndarray  # (N,)
    zero_nodes: np.ndarray  # (Z,) nodes of missing type Zero
    zero_feature: np.ndarray  # (Z,) their features
    zero_left: np.ndarray  # (Z,) their default directions
    paths: Any  # (U, N) scipy CSR: +2^depth / -2^depth where the leaf is left / right
    key_base: np.ndarray  # (U,) sum of 2^depth of the right turns, + where the unit's keys start
    table_start: np.ndarray  # (dense + 1,) int64: where each small unit's table starts
    deep_bits: int  # bits a large unit's code is shifted by to pack (unit, code); -1: too many
    unit_k: np.ndarray  # (U,) players
    leaf_a: np.ndarray  # (U,) the leaf whose code the unit's table is indexed by
    leaf_b: np.ndarray  # (U,) its sibling sharing the table, -1 if none
    flip: np.ndarray  # (U,) XOR mask from leaf_a's code to leaf_b's
    slot_unit: np.ndarray  # (S,) each unit's player slots, ordered by feature
    slot: np.ndarray  # (S,) the slot's column in its unit's table
    features: tuple[tuple[int, int, int], ...]  # feature, its slots' start and end


@dataclass(frozen=True)
class _ModelArrays:
    """Every tree's nodes and units as model-wide arrays, in tree order (``node_off`` and
    ``unit_off``: where each tree's start); :meth:`TreeShap._plan` cuts them into chunks."""

    node_off: np.ndarray
    unit_off: np.ndarray
    rank_row: np.ndarray
    rank: np.ndarray
    feature: np.ndarray
    default_left: np.ndarray
    missing_type: np.ndarray
    paths: Any  # (units, nodes) CSR, see _path_matrix
    code_base: np.ndarray
    unit_a: np.ndarray
    unit_b: np.ndarray
    unit_flip: np.ndarray
    unit_k: np.ndarray
    unit_d: np.ndarray
    unit_features: np.ndarray  # (units, widest K), -1 past a unit's K


def _distinct(chunk: _Chunk, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (unit, code) pairs of ``keys`` (units, rows): their units, their codes,
    and each cell's pair number (units, rows).

    A small unit's key is its code plus where its ``2^bits`` slots start in one flag table of
    the chunk; a large one's is its code with its number among the large units above the
    code's bits, and these keys are sorted (see :meth:`TreeShap._plan`).
    """
    dense = len(chunk.table_start) - 1
    inverse = np.empty(keys.shape, dtype=np.intp)
    seen_flags = np.zeros(int(chunk.table_start[-1]), dtype=bool)
    seen_flags[keys[:dense]] = True
    seen = np.flatnonzero(seen_flags)
    lookup = np.empty(len(seen_flags), dtype=np.intp)
    lookup[seen] = np.arange(len(seen))
    inverse[:dense] = lookup[keys[:dense]]
    units = [np.searchsorted(chunk.table_start, seen, side="right") - 1]
    found = [seen - chunk.table_start[units[0]]]
    deep = keys[dense:]
    if chunk.deep_bits >= 0 and deep.size:
        shift = chunk.deep_bits
        distinct, where = np.unique(deep.ravel(), return_inverse=True)
        distinct = distinct.astype(np.int64)
        units.append(dense + (distinct >> shift))
        found.append(distinct & ((1 << shift) - 1))
        inverse[dense:] = len(seen) + where.reshape(deep.shape)
    elif deep.size:
        # Codes too wide to pack with their unit (leaves tens of splits deep): one unit at a time.
        done = len(seen)
        for i, code in enumerate(deep):
            distinct, where = np.unique(code, return_inverse=True)
            units.append(np.full(len(distinct), dense + i))
            found.append(distinct)
            inverse[dense + i] = done + where
            done += len(distinct)
    return np.concatenate(units), np.concatenate(found), inverse


def quadrature(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on [0, 1] that integrate every polynomial of degree
    ``k - 1`` exactly: ``n`` nodes are exact up to degree ``2n - 1``, so ``ceil(k / 2)``
    nodes (at least one) suffice; the tables' cost grows with the number of nodes.

    The arrays are shared between calls (read-only): NumPy's ``leggauss`` solves an eigenvalue
    problem, and a model's trees have a handful of distinct widths.
    """
    return _quadrature(max(1, (k + 1) // 2))


@functools.lru_cache(maxsize=64)
def _quadrature(points: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(points)
    nodes, weights = (x + 1.0) / 2.0, w / 2.0
    nodes.flags.writeable = False
    weights.flags.writeable = False
    return nodes, weights


def _parse_blocks(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The header's and each tree's ``key=value`` lines of a LightGBM model text."""
    header: dict[str, str] = {}
    trees: list[dict[str, str]] = []
    current = header
    for line in text.splitlines():
        if line.startswith("end of trees"):
            break
        if line.startswith("Tree="):
            current = {}
            trees.append(current)
            continue
        key, sep, value = line.partition("=")
        if sep:
            current[key] = value
        elif line and current is header:
            header[line] = ""
    return header, trees


def _floats(block: dict[str, str], key: str) -> np.ndarray:
    return np.array(block.get(key, "").split(), dtype=np.float64)


def _ints(block: dict[str, str], key: str) -> np.ndarray:
    return np.array(block.get(key, "").split(), dtype=np.int64)


def _tree(block: dict[str, str], n_features: int) -> _Tree:
    """Arrays of one tree block of the model text (see :class:`_Tree`)."""
    if int(block.get("num_cat", "0")) > 0:
        raise Unsupported("categorical splits")
    if int(block.get("is_linear", "0")) != 0:
        raise Unsupported("linear trees")
    values = _floats(block, "leaf_value")
    n_leaves = int(block["num_leaves"])
    if n_leaves == 1:
        # LightGBM: a one-leaf tree adds its value to the bias and nothing else.
        none = np.zeros(0, dtype=np.int64)
        return _Tree(
            expected_value=float(values[0]),
            feature=none,
            threshold=np.zeros(0),
            default_left=np.zeros(0, dtype=bool),
            missing_type=none,
            rank_row=none,
            rank=none,
            zero_nodes=(),
            depth=none,
            preorder=(),
            left=none,
            right=none,
            leaves=(),
            units=(),
            leaf_masks=np.zeros((0, 0), dtype=np.int64),
            leaf_z=np.zeros((0, 0)),
            leaf_value=np.zeros(0),
            nodes=np.zeros(0),
            node_weights=np.zeros(0),
        )
    feature = _ints(block, "split_feature")
    threshold = _floats(block, "threshold")
    decision = _ints(block, "decision_type")
    if np.any(decision & _CATEGORICAL_MASK):
        raise Unsupported("categorical splits")
    left, right = _ints(block, "left_child"), _ints(block, "right_child")
    leaf_count = _floats(block, "leaf_count")
    internal_count = _floats(block, "internal_count")
    # The walk below runs once per node and leaf of every tree at each model load: plain
    # Python lists and floats, no NumPy call per node (the arrays are built once per tree).
    feature_of = feature.tolist()
    left_of, right_of = left.tolist(), right.tolist()
    leaf_counts, internal_counts = leaf_count.tolist(), internal_count.tolist()

    def count(node: int) -> float:
        return float(leaf_counts[~node] if node < 0 else internal_counts[node])

    depth = np.zeros(len(feature), dtype=np.int64)
    depth_of: list[int] = [0] * len(feature)
    preorder: list[int] = []
    leaves: list[_Leaf | None] = [None] * n_leaves
    # Depth-first walk. ``path[d]`` is the (split, cover ratio) of depth d on the way to the
    # node being visited: a node at depth d overwrites entry d - 1, and every node visited
    # between its ancestors' visits and its own is deeper, so entries < d - 1 are still its
    # ancestors'.
    path: list[tuple[int, float]] = []
    stack: list[tuple[int, int, int, float]] = [(0, 0, -1, 1.0)]  # node, depth, edge
    while stack:
        node, at, split_above, ratio_above = stack.pop()
        if at:
            del path[at - 1 :]
            path.append((split_above, ratio_above))
        if node < 0:
            if at > _MAX_CODE_BITS:
                raise Unsupported(f"a leaf {at} splits deep")
            leaf = ~node
            features: list[int] = []
            z: list[float] = []
            masks: list[int] = []
            bit_feature: list[int] = []
            position: dict[int, int] = {}
            for d, (split, ratio) in enumerate(path):
                f = feature_of[split]
                i = position.get(f)
                if i is None:
                    i = position[f] = len(features)
                    features.append(f)
                    z.append(ratio)
                    masks.append(1 << d)
                else:
                    z[i] *= ratio
                    masks[i] |= 1 << d
                bit_feature.append(i)
            leaves[leaf] = _Leaf(
                value=float(values[leaf]),
                features=np.array(features, dtype=np.int64),
                z=np.array(z),
                bit_feature=np.array(bit_feature, dtype=np.int64),
                masks=np.array(masks, dtype=np.int64),
            )
            continue
        parent = count(node)
        depth_of[node] = at
        preorder.append(node)
        stack.append((right_of[node], at + 1, node, count(right_of[node]) / parent))
        stack.append((left_of[node], at + 1, node, count(left_of[node]) / parent))
    depth[:] = depth_of
    done = [built for built in leaves if built is not None]
    none_yet = np.zeros(len(feature), dtype=np.int64)  # TreeShap sets it (cuts of all trees)
    width = max(len(built.features) for built in done)
    leaf_masks = np.zeros((n_leaves, width), dtype=np.int64)
    leaf_z = np.ones((n_leaves, width))
    for i, built in enumerate(done):
        leaf_masks[i, : len(built.features)] = built.masks
        leaf_z[i, : len(built.features)] = built.z
    default_left = (decision & _DEFAULT_LEFT_MASK) != 0
    missing_type = (decision >> 2) & 3
    # Where NaN goes: with missing type None it is read as 0.0 and compared, otherwise it
    # takes the default direction.
    nan_left = np.where(missing_type == _MISSING_NONE, threshold >= 0.0, default_left)
    # LightGBM's Tree::ExpectedValue: the leaves' values weighted by their share of the root's
    # count, summed in leaf order.
    total = internal_count[0]
    expected = 0.0
    for i in range(n_leaves):
        expected += (leaf_count[i] / total) * values[i]
    return _Tree(
        expected_value=expected,
        feature=feature,
        threshold=threshold,
        default_left=default_left,
        missing_type=missing_type,
        rank_row=feature + n_features * nan_left,
        rank=none_yet,
        zero_nodes=tuple(int(n) for n in np.flatnonzero(missing_type == _MISSING_ZERO)),
        depth=depth,
        preorder=tuple(preorder),
        left=left,
        right=right,
        leaves=tuple(done),
        units=_units(done, left, right),
        leaf_masks=leaf_masks,
        leaf_z=leaf_z,
        leaf_value=values[:n_leaves].copy(),
        nodes=quadrature(width)[0],
        node_weights=quadrature(width)[1],
    )


def _units(leaves: list[_Leaf], left: np.ndarray, right: np.ndarray) -> tuple[_Unit, ...]:
    """The tree's leaves as tables: sibling leaves share one (see :class:`_Unit`)."""
    units: list[_Unit] = []
    paired: set[int] = set()
    for node in range(len(left)):
        a, b = int(left[node]), int(right[node])
        if a < 0 and b < 0 and np.array_equal(leaves[~a].features, leaves[~b].features):
            flip = 1 << (len(leaves[~a].bit_feature) - 1)
            units.append(_Unit(~a, ((~a, 0), (~b, flip)), leaves[~a].features))
            paired |= {~a, ~b}
    units += [
        _Unit(i, ((i, 0),), leaf.features) for i, leaf in enumerate(leaves) if i not in paired
    ]
    return tuple(units)


def _path_matrix(
    trees: tuple[_Tree, ...],
    node_off: np.ndarray,
    leaf_off: np.ndarray,
    depth: np.ndarray,
    unit_a: np.ndarray,
) -> tuple[Any, np.ndarray]:
    """The root paths of the leaves ``unit_a`` (model-wide numbers) as a CSR matrix over the
    model-wide nodes: a leaf's code of a row is ``paths @ went_left + code_base`` (see
    :meth:`TreeShap._explain_chunk`)."""
    from scipy import sparse

    n_nodes, n_leaves = int(node_off[-1]), int(leaf_off[-1])
    node_parent = np.full(n_nodes, -1, dtype=np.int64)
    node_is_left = np.zeros(n_nodes, dtype=bool)
    leaf_parent = np.full(n_leaves, -1, dtype=np.int64)
    leaf_is_left = np.zeros(n_leaves, dtype=bool)
    tree_of_node = np.repeat(np.arange(len(trees)), np.diff(node_off))
    ids = np.arange(n_nodes)
    for is_left, name in ((True, "left"), (False, "right")):
        parts = [np.asarray(getattr(t, name), dtype=np.int64) for t in trees]
        child = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        leaf = child < 0
        at = leaf_off[tree_of_node[leaf]] + ~child[leaf]
        leaf_parent[at], leaf_is_left[at] = ids[leaf], is_left
        at = node_off[tree_of_node[~leaf]] + child[~leaf]
        node_parent[at], node_is_left[at] = ids[~leaf], is_left
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    code_base = np.zeros(len(unit_a), dtype=np.int64)
    row = np.arange(len(unit_a))
    node, left = leaf_parent[unit_a], leaf_is_left[unit_a]
    while len(row):  # one step up every path at once
        bit = np.left_shift(1, depth[node])
        rows.append(row)
        cols.append(node)
        vals.append(np.where(left, bit, -bit))
        code_base[row[~left]] += bit[~left]
        node, left = node_parent[node], node_is_left[node]
        up = node >= 0
        row, node, left = row[up], node[up], left[up]
    matrix = sparse.csr_array(
        (
            np.concatenate(vals) if vals else np.zeros(0, dtype=np.int64),
            (
                np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
                np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
            ),
        ),
        shape=(len(unit_a), n_nodes),
        dtype=np.int64,
    )
    return matrix, code_base


def shapley_table(
    o: np.ndarray, z: np.ndarray, nodes: np.ndarray, node_weights: np.ndarray
) -> np.ndarray:
    """Shapley values of one leaf game per row, without the leaf's value: shape (n, K).

    Parameters
    ----------
    o : (n, K) 0/1, whether the row goes the leaf's way for each path feature.
    z : (n, K) the feature's cover ratio (product over its splits on the path).
    nodes, node_weights : :func:`quadrature` of K (or more).

    ``sum_k k!(K-1-k)!/K! e_k`` is the integral over [0, 1] of
    ``prod_{j != i} ((1 - t) z_j + t o_j)`` (the weights are Beta integrals,
    ``int t^k (1-t)^(K-1-k) dt``), a polynomial of degree K - 1 that Gauss-Legendre quadrature
    integrates exactly. Every factor is positive (``0 < t < 1``), so the product over
    ``j != i`` is the product over all ``j`` divided by factor ``i``, without cancellation; a
    null player (``z = o = 1``) is a factor of exactly 1.
    """
    players = np.ascontiguousarray(o.T, dtype=np.float64)
    return _shapley_players(
        players, np.ascontiguousarray(z.T, dtype=np.float64), nodes, node_weights
    ).T


def _shapley_players(
    o: np.ndarray, z: np.ndarray, nodes: np.ndarray, node_weights: np.ndarray
) -> np.ndarray:
    """:func:`shapley_table` with the players on the first axis: o, z and the result (K, n).

    Each step is then one operation over n contiguous values per player (a product over a
    short last axis costs NumPy about as much per row as per value).
    """
    summed = np.zeros(o.shape)
    goes = o != 0
    # A factor is 0 only where z = o = 0; that feature's value is (o - z) * ... = 0.
    guard = bool((z == 0).any())
    factors = np.empty(o.shape)
    for t, weight in zip(nodes, node_weights, strict=True):
        # (1 - t) z + t o, o being 0 or 1.
        np.multiply(z, 1.0 - t, out=factors)
        np.add(factors, t, out=factors, where=goes)
        product = factors.prod(axis=0)
        product *= weight
        summed += product / (np.where(factors > 0, factors, 1.0) if guard else factors)
    summed *= o - z
    return summed


def leaf_contributions(leaf: _Leaf, codes: np.ndarray) -> np.ndarray:
    """One leaf's Shapley values (times its value) for each code, shape (len(codes), K)."""
    o = ((codes[:, None] & leaf.masks) == leaf.masks).astype(np.float64)
    z = np.broadcast_to(leaf.z, o.shape)
    return leaf.value * shapley_table(o, z, *quadrature(len(leaf.features)))


def tree_tables(
    tree: _Tree, distinct: list[np.ndarray], units: tuple[_Unit, ...] | None = None
) -> list[np.ndarray]:
    """Every unit's values (its leaves' Shapley values times their values, summed) for its
    distinct codes, all leaves of the tree in one batch.

    Returns one (len(distinct[unit]), K of the unit) array per unit of ``units`` (default:
    ``tree.units``). A code's values do not depend on the other codes or units of the batch:
    every operation is per code, over the tree's padded width.
    """
    units = tree.units if units is None else units
    if not units:
        return []
    parts = [
        d ^ flip if flip else d
        for unit, d in zip(units, distinct, strict=True)
        for _, flip in unit.members
    ]
    leaf_of = np.repeat(
        [leaf for unit in units for leaf, _ in unit.members], [len(p) for p in parts]
    )
    codes = np.concatenate(parts)
    masks = tree.leaf_masks[leaf_of]
    o = ((codes[:, None] & masks) == masks).astype(np.float64)
    table = shapley_table(o, tree.leaf_z[leaf_of], tree.nodes, tree.node_weights)
    table *= tree.leaf_value[leaf_of][:, None]
    pieces = iter(np.split(table, np.cumsum([len(p) for p in parts])[:-1]))
    out = []
    for unit in units:
        summed = next(pieces)
        for _ in unit.members[1:]:
            summed = summed + next(pieces)
        out.append(summed[:, : len(unit.features)])
    return out


#: The arrays of :meth:`TreeShap.to_arrays`, their dtype kind and what their length counts.
_ARRAYS: dict[str, tuple[str, str]] = {
    "n_features": ("i", "one"),
    "cuts": ("f", "cut"),
    "cuts_len": ("i", "feature"),
    "tree_expected": ("f", "tree"),
    "tree_nodes": ("i", "tree"),
    "tree_leaves": ("i", "tree"),
    "tree_width": ("i", "tree"),
    "tree_units": ("i", "tree"),
    "feature": ("i", "node"),
    "threshold": ("f", "node"),
    "default_left": ("b", "node"),
    "missing_type": ("i", "node"),
    "rank_row": ("i", "node"),
    "rank": ("i", "node"),
    "depth": ("i", "node"),
    "preorder": ("i", "node"),
    "left": ("i", "node"),
    "right": ("i", "node"),
    "leaf_masks": ("i", "cell"),
    "leaf_z": ("f", "cell"),
    "leaf_value": ("f", "leaf"),
    "leaf_k": ("i", "leaf"),
    "leaf_d": ("i", "leaf"),
    "leaf_features": ("i", "k"),
    "leaf_bits": ("i", "d"),
    "unit_leaf": ("i", "unit"),
    "unit_pair": ("i", "unit"),
    "unit_flip": ("i", "unit"),
}


def _checked_arrays(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``arrays`` when they fit together as :meth:`TreeShap.to_arrays` writes them; else
    ValueError. Every index the explanation follows is checked to be in range, so a damaged
    file is refused here rather than failing (or reading wrong values) later."""
    missing = sorted(set(_ARRAYS) - set(arrays))
    if missing:
        raise ValueError(f"arrays missing: {', '.join(missing)}")
    for name, (kind, _) in _ARRAYS.items():
        if arrays[name].ndim != 1 or arrays[name].dtype.kind != kind:
            raise ValueError(f"{name}: a 1-d array of kind {kind!r} expected")
    a = arrays
    counts = {
        "one": 1,
        "feature": int(a["n_features"][0]) if len(a["n_features"]) == 1 else -1,
        "cut": int(a["cuts_len"].sum()),
        "tree": len(a["tree_nodes"]),
        "node": int(a["tree_nodes"].sum()),
        "leaf": int(a["tree_leaves"].sum()),
        "cell": int((a["tree_leaves"] * a["tree_width"]).sum()),
        "unit": int(a["tree_units"].sum()),
        "k": int(a["leaf_k"].sum()),
        "d": int(a["leaf_d"].sum()),
    }
    for name, (_, counted) in _ARRAYS.items():
        if len(a[name]) != counts[counted]:
            raise ValueError(f"{name}: {len(a[name])} values, expected {counts[counted]}")
    sizes = [a[n] for n in ("cuts_len", "tree_nodes", "tree_leaves", "tree_width", "tree_units")]
    if any((s < 0).any() for s in sizes) or (a["leaf_k"] < 0).any() or (a["leaf_d"] < 0).any():
        raise ValueError("a negative count")
    n_features = counts["feature"]
    tree_of_node = np.repeat(np.arange(counts["tree"]), a["tree_nodes"])
    tree_of_unit = np.repeat(np.arange(counts["tree"]), a["tree_units"])
    tree_of_leaf = np.repeat(np.arange(counts["tree"]), a["tree_leaves"])
    nodes_in, leaves_in = a["tree_nodes"][tree_of_node], a["tree_leaves"][tree_of_node]
    children = np.concatenate([a["left"], a["right"]])
    child_nodes = np.concatenate([nodes_in, nodes_in])
    child_leaves = np.concatenate([leaves_in, leaves_in])
    unit_leaves = a["tree_leaves"][tree_of_unit]
    in_range = [
        (a["feature"] >= 0) & (a["feature"] < n_features),
        (a["rank_row"] >= 0) & (a["rank_row"] < 2 * n_features),
        (a["preorder"] >= 0) & (a["preorder"] < nodes_in),
        (a["depth"] >= 0) & (a["depth"] <= _MAX_CODE_BITS),
        (children < child_nodes) & (~children < child_leaves),
        (a["leaf_features"] >= 0) & (a["leaf_features"] < n_features),
        (a["leaf_bits"] >= 0) & (a["leaf_bits"] < np.repeat(a["leaf_k"], a["leaf_d"])),
        (a["leaf_d"] <= _MAX_CODE_BITS) & (a["leaf_k"] <= a["tree_width"][tree_of_leaf]),
        (a["unit_leaf"] >= 0) & (a["unit_leaf"] < unit_leaves),
        (a["unit_pair"] >= -1) & (a["unit_pair"] < unit_leaves),
        (a["unit_flip"] >= 0) & (a["unit_flip"] < (1 << _MAX_CODE_BITS)),
        (a["missing_type"] >= 0) & (a["missing_type"] <= 3),
    ]
    if not all(ok.all() for ok in in_range):
        raise ValueError("an index out of range")
    return a


class TreeShap:
    """Exact TreeSHAP of a LightGBM model (one tree per iteration, numerical splits).

    Parameters
    ----------
    model_text : the model as ``Booster.model_to_string()`` writes it (the trees ``predict``
        uses: with ``num_iteration=None`` both stop at the best iteration when there is one).

    Raises
    ------
    Unsupported : categorical splits, linear trees, several trees per iteration (multiclass),
        averaged output (random forest mode) or a leaf more than 62 splits deep.
    """

    def __init__(self, model_text: str) -> None:
        header, blocks = _parse_blocks(model_text)
        if int(header.get("num_tree_per_iteration", "1")) != 1:
            raise Unsupported("several trees per iteration")
        if "average_output" in header:
            raise Unsupported("averaged output")
        self.n_features = int(header["max_feature_idx"]) + 1
        trees = [_tree(block, self.n_features) for block in blocks]
        # Each feature's distinct thresholds over all trees: ``x <= cut[k]`` exactly when
        # ``searchsorted(cut, x) <= k``, so a block's values become small integers once and
        # every split compares 2-byte ranks instead of 8-byte values.
        pairs = [(t.feature, t.threshold) for t in trees]
        all_features = np.concatenate([f for f, _ in pairs]) if pairs else np.zeros(0, int)
        all_thresholds = np.concatenate([t for _, t in pairs]) if pairs else np.zeros(0)
        self._cuts = [np.unique(all_thresholds[all_features == f]) for f in range(self.n_features)]
        widest = max((len(c) for c in self._cuts), default=0)
        self._rank_dtype = np.int16 if widest < np.iinfo(np.int16).max else np.int32
        # Each split's rank among its feature's cuts: one searchsorted per feature over every
        # tree's splits (the splits of all trees are concatenated in tree order above).
        ranks = np.zeros(len(all_features), dtype=self._rank_dtype)
        for f, cuts in enumerate(self._cuts):
            at = np.flatnonzero(all_features == f)
            if len(at):
                ranks[at] = np.searchsorted(cuts, all_thresholds[at])
        ends = np.cumsum([len(t.feature) for t in trees])
        self.trees = tuple(
            replace(t, rank=part)
            for t, part in zip(trees, np.split(ranks, ends[:-1]) if trees else [], strict=True)
        )
        self._finish()

    def _finish(self) -> None:
        """What follows from the trees: the bias, and the trees as chunks of flat arrays
        (:class:`_Chunk`) that explain many trees in a few NumPy calls."""
        self.expected_value = 0.0
        for tree in self.trees:
            self.expected_value += tree.expected_value
        trees = self.trees
        tree_nodes = np.array([len(t.feature) for t in trees], dtype=np.int64)
        tree_leaves = np.array([len(t.leaves) for t in trees], dtype=np.int64)
        tree_units = np.array([len(t.units) for t in trees], dtype=np.int64)
        node_off = np.concatenate([[0], np.cumsum(tree_nodes)])
        leaf_off = np.concatenate([[0], np.cumsum(tree_leaves)])
        unit_off = np.concatenate([[0], np.cumsum(tree_units)])

        def cat(name: str, dtype: Any) -> np.ndarray:
            parts = [np.asarray(getattr(t, name), dtype=dtype) for t in trees]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        rank_row, rank = cat("rank_row", np.intp), cat("rank", self._rank_dtype)
        feature, depth = cat("feature", np.int64), cat("depth", np.int64)
        default_left, missing_type = cat("default_left", bool), cat("missing_type", np.int64)
        # Model-wide leaves: padded games (null players: mask 0, z 1) and features.
        leaves = [leaf for t in trees for leaf in t.leaves]
        leaf_k = np.array([len(leaf.features) for leaf in leaves], dtype=np.int64)
        width = int(leaf_k.max(initial=0))
        # Players first, as _shapley_players takes them.
        self._leaf_masks = np.zeros((width, len(leaves)), dtype=np.int64)
        self._leaf_z = np.ones((width, len(leaves)))
        for t, tree in enumerate(trees):
            l0, l1, w = leaf_off[t], leaf_off[t + 1], tree.leaf_masks.shape[1]
            self._leaf_masks[:w, l0:l1] = tree.leaf_masks.T
            self._leaf_z[:w, l0:l1] = tree.leaf_z.T
        self._leaf_value = cat("leaf_value", np.float64)
        leaf_features = np.full((len(leaves), width), -1, dtype=np.int64)
        if leaves:
            slot = np.arange(int(leaf_k.sum())) - np.repeat(np.cumsum(leaf_k) - leaf_k, leaf_k)
            leaf_features[np.repeat(np.arange(len(leaves)), leaf_k), slot] = np.concatenate(
                [leaf.features for leaf in leaves]
            )
        leaf_d = np.array([len(leaf.bit_feature) for leaf in leaves], dtype=np.int64)
        # Units, model-wide (leaf numbers too).
        unit_a = np.array(
            [leaf_off[t] + u.leaf for t, tree in enumerate(trees) for u in tree.units],
            dtype=np.int64,
        )
        unit_b = np.array(
            [
                leaf_off[t] + u.members[1][0] if len(u.members) > 1 else -1
                for t, tree in enumerate(trees)
                for u in tree.units
            ],
            dtype=np.int64,
        )
        unit_flip = np.array(
            [u.members[1][1] if len(u.members) > 1 else 0 for t in trees for u in t.units],
            dtype=np.int64,
        )
        paths, code_base = _path_matrix(trees, node_off, leaf_off, depth, unit_a)
        self._model = _ModelArrays(
            node_off=node_off,
            unit_off=unit_off,
            rank_row=rank_row,
            rank=rank,
            feature=feature,
            default_left=default_left,
            missing_type=missing_type,
            paths=paths,
            code_base=code_base,
            unit_a=unit_a,
            unit_b=unit_b,
            unit_flip=unit_flip,
            unit_k=leaf_k[unit_a],
            unit_d=leaf_d[unit_a],
            unit_features=leaf_features[unit_a],
        )
        self._plans: dict[int, tuple[_Chunk, ...]] = {}
        self._full: list[list[np.ndarray | None]] | None = None
        depths = [len(leaf.bit_feature) for tree in self.trees for leaf in tree.leaves]
        self._table_bits = min(max(depths, default=0), _MAX_TREE_TABLE_BITS)

    def _chunks(self, rows: int) -> tuple[_Chunk, ...]:
        """The trees cut into chunks for blocks of ``rows`` rows: consecutive trees of about
        ``_CHUNK_CELLS / rows`` units (a power of two, ``_MIN_CHUNK_UNITS`` to
        ``_MAX_CHUNK_UNITS``; a tree is never cut), so that a block's temporaries stay bounded
        and its rows' distinct codes are found over the whole block. Built once per size."""
        units = _MAX_CHUNK_UNITS
        while units > _MIN_CHUNK_UNITS and units * rows > _CHUNK_CELLS:
            units //= 2
        plan = self._plans.get(units)
        if plan is None:
            plan = self._plans[units] = self._plan(units)
        return plan

    def _plan(self, per_chunk: int) -> tuple[_Chunk, ...]:
        """:class:`_Chunk` of consecutive trees of about ``per_chunk`` units."""
        m = self._model
        # A unit's distinct codes come from a table of 2^bits flags while that costs less than
        # sorting its rows' codes: up to about the rows of a block.
        rows = max(1, _CHUNK_CELLS // per_chunk)
        table_bits = min(max(rows.bit_length() - 1, _MIN_TABLE_BITS), _MAX_TABLE_BITS)
        # Chunks of about equal size (threads explain them side by side).
        units = int(m.unit_off[-1])
        per_chunk = max(1, -(-units // max(1, -(-units // per_chunk))))
        first = np.flatnonzero(np.diff(m.unit_off[:-1] // per_chunk, prepend=-1))
        bounds = [*first.tolist(), len(m.unit_off) - 1]
        chunks: list[_Chunk] = []
        for t0, t1 in zip(bounds[:-1], bounds[1:], strict=True):
            n0, n1 = int(m.node_off[t0]), int(m.node_off[t1])
            u0, u1 = int(m.unit_off[t0]), int(m.unit_off[t1])
            if u1 == u0:
                continue
            deep = m.unit_d[u0:u1] > table_bits
            order = u0 + np.lexsort((m.unit_k[u0:u1], deep))
            dense = int((~deep).sum())
            deep_d = int(m.unit_d[order[dense:]].max(initial=0))
            fits = deep_d + (u1 - u0 - dense).bit_length() <= _MAX_CODE_BITS
            zero = n0 + np.flatnonzero(m.missing_type[n0:n1] == _MISSING_ZERO)
            k = m.unit_k[order]
            slot_unit = np.repeat(np.arange(len(order)), k)
            slot = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
            slot_feature = m.unit_features[order[slot_unit], slot]
            by = np.argsort(slot_feature, kind="stable")
            ends = np.cumsum(np.bincount(slot_feature, minlength=self.n_features))
            table_start = np.concatenate([[0], np.cumsum(1 << m.unit_d[order[:dense]])])
            # Keys (see _distinct): a small unit's table start, a large one's number above the
            # code's bits; int32 arithmetic where every key fits.
            key_base = m.code_base[order].copy()
            key_base[:dense] += table_start[:-1]
            if fits:
                key_base[dense:] += np.arange(len(order) - dense, dtype=np.int64) << deep_d
                largest = max(int(table_start[-1]), (len(order) - dense) << deep_d)
            else:
                largest = 1 << _MAX_CODE_BITS
            key_type = np.int32 if largest < np.iinfo(np.int32).max else np.int64
            chunks.append(
                _Chunk(
                    rank_row=m.rank_row[n0:n1],
                    rank=m.rank[n0:n1],
                    zero_nodes=zero - n0,
                    zero_feature=m.feature[zero],
                    zero_left=m.default_left[zero],
                    paths=m.paths[order][:, n0:n1].astype(key_type),
                    key_base=key_base.astype(key_type),
                    table_start=table_start,
                    deep_bits=deep_d if fits else -1,
                    unit_k=k,
                    leaf_a=m.unit_a[order],
                    leaf_b=m.unit_b[order],
                    flip=m.unit_flip[order],
                    slot_unit=slot_unit[by],
                    slot=slot[by],
                    features=tuple(
                        (f, int(e0), int(e1))
                        for f, (e0, e1) in enumerate(zip([0, *ends[:-1]], ends, strict=True))
                        if e1 > e0
                    ),
                )
            )
        return tuple(chunks)

    # ------------------------------------------------------------ as flat arrays
    def to_arrays(self) -> dict[str, np.ndarray]:
        """The built trees as flat NumPy arrays (no object arrays: ``np.savez`` stores them
        and ``np.load(allow_pickle=False)`` reads them back); :meth:`from_arrays` inverts it.

        Per-tree, per-node, per-leaf and per-unit arrays are concatenated in tree order, with
        the counts per tree to cut them again. What is cheap to derive (missing-type Zero
        nodes, quadrature, the bias, the rank dtype) is derived again, not stored.
        """
        trees = self.trees
        leaves = [leaf for tree in trees for leaf in tree.leaves]

        def cat(name: str, dtype: Any) -> np.ndarray:
            parts = [np.asarray(getattr(t, name), dtype=dtype).ravel() for t in trees]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        units = [unit for tree in trees for unit in tree.units]
        return {
            "n_features": np.array([self.n_features], dtype=np.int64),
            "cuts": np.concatenate(self._cuts) if self._cuts else np.zeros(0),
            "cuts_len": np.array([len(c) for c in self._cuts], dtype=np.int64),
            "tree_expected": np.array([t.expected_value for t in trees], dtype=np.float64),
            "tree_nodes": np.array([len(t.feature) for t in trees], dtype=np.int64),
            "tree_leaves": np.array([len(t.leaves) for t in trees], dtype=np.int64),
            "tree_width": np.array([t.leaf_masks.shape[1] for t in trees], dtype=np.int64),
            "tree_units": np.array([len(t.units) for t in trees], dtype=np.int64),
            "feature": cat("feature", np.int64),
            "threshold": cat("threshold", np.float64),
            "default_left": cat("default_left", bool),
            "missing_type": cat("missing_type", np.int64),
            "rank_row": cat("rank_row", np.int64),
            "rank": cat("rank", self._rank_dtype),
            "depth": cat("depth", np.int64),
            "preorder": cat("preorder", np.int64),
            "left": cat("left", np.int64),
            "right": cat("right", np.int64),
            "leaf_masks": cat("leaf_masks", np.int64),
            "leaf_z": cat("leaf_z", np.float64),
            "leaf_value": cat("leaf_value", np.float64),
            "leaf_k": np.array([len(leaf.features) for leaf in leaves], dtype=np.int64),
            "leaf_d": np.array([len(leaf.bit_feature) for leaf in leaves], dtype=np.int64),
            "leaf_features": np.concatenate([leaf.features for leaf in leaves])
            if leaves
            else np.zeros(0, dtype=np.int64),
            "leaf_bits": np.concatenate([leaf.bit_feature for leaf in leaves])
            if leaves
            else np.zeros(0, dtype=np.int64),
            "unit_leaf": np.array([u.leaf for u in units], dtype=np.int64),
            "unit_pair": np.array(
                [u.members[1][0] if len(u.members) > 1 else -1 for u in units], dtype=np.int64
            ),
            "unit_flip": np.array(
                [u.members[1][1] if len(u.members) > 1 else 0 for u in units], dtype=np.int64
            ),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TreeShap:
        """The TreeShap :meth:`to_arrays` wrote, the same arrays bit for bit.

        Raises
        ------
        ValueError : arrays missing, of another dtype, or whose counts or indices do not fit
            together (a damaged or foreign file: the caller builds from the model text).
        """
        a = _checked_arrays(arrays)
        self = cls.__new__(cls)
        self.n_features = int(a["n_features"][0])
        self._cuts = np.split(a["cuts"], np.cumsum(a["cuts_len"])[:-1])
        widest = max((len(c) for c in self._cuts), default=0)
        self._rank_dtype = np.int16 if widest < np.iinfo(np.int16).max else np.int32
        if a["rank"].dtype != self._rank_dtype:
            raise ValueError(f"ranks of dtype {a['rank'].dtype}, expected {self._rank_dtype}")
        node_end = np.cumsum(a["tree_nodes"]).tolist()
        leaf_end = np.cumsum(a["tree_leaves"]).tolist()
        unit_end = np.cumsum(a["tree_units"]).tolist()
        cell_end = np.cumsum(a["tree_leaves"] * a["tree_width"]).tolist()
        k_end = np.cumsum(a["leaf_k"]).tolist()
        d_end = np.cumsum(a["leaf_d"]).tolist()
        leaf_k, leaf_d = a["leaf_k"].tolist(), a["leaf_d"].tolist()
        unit_leaf, unit_pair = a["unit_leaf"].tolist(), a["unit_pair"].tolist()
        unit_flip = a["unit_flip"].tolist()
        trees: list[_Tree] = []
        n0 = l0 = u0 = c0 = 0
        for t in range(len(a["tree_nodes"])):
            n1, l1, u1, c1 = node_end[t], leaf_end[t], unit_end[t], cell_end[t]
            width = int(a["tree_width"][t])
            values = a["leaf_value"][l0:l1]
            masks = a["leaf_masks"][c0:c1].reshape(l1 - l0, width)
            z = a["leaf_z"][c0:c1].reshape(l1 - l0, width)
            leaves = tuple(
                _Leaf(
                    value=float(values[i]),
                    features=a["leaf_features"][k_end[l0 + i] - leaf_k[l0 + i] : k_end[l0 + i]],
                    z=z[i, : leaf_k[l0 + i]],
                    bit_feature=a["leaf_bits"][d_end[l0 + i] - leaf_d[l0 + i] : d_end[l0 + i]],
                    masks=masks[i, : leaf_k[l0 + i]],
                )
                for i in range(l1 - l0)
            )
            units = tuple(
                _Unit(
                    unit_leaf[u],
                    ((unit_leaf[u], 0),)
                    if unit_pair[u] < 0
                    else ((unit_leaf[u], 0), (unit_pair[u], unit_flip[u])),
                    leaves[unit_leaf[u]].features,
                )
                for u in range(u0, u1)
            )
            missing_type = a["missing_type"][n0:n1]
            nodes, weights = quadrature(width) if leaves else (np.zeros(0), np.zeros(0))
            trees.append(
                _Tree(
                    expected_value=a["tree_expected"][t],
                    feature=a["feature"][n0:n1],
                    threshold=a["threshold"][n0:n1],
                    default_left=a["default_left"][n0:n1],
                    missing_type=missing_type,
                    rank_row=a["rank_row"][n0:n1],
                    rank=a["rank"][n0:n1],
                    zero_nodes=tuple(int(n) for n in np.flatnonzero(missing_type == _MISSING_ZERO)),
                    depth=a["depth"][n0:n1],
                    preorder=tuple(a["preorder"][n0:n1].tolist()),
                    left=a["left"][n0:n1],
                    right=a["right"][n0:n1],
                    leaves=leaves,
                    units=units,
                    leaf_masks=masks,
                    leaf_z=z,
                    leaf_value=values,
                    nodes=nodes,
                    node_weights=weights,
                )
            )
            n0, l0, u0, c0 = n1, l1, u1, c1
        self.trees = tuple(trees)
        self._finish()
        return self

    def contributions(
        self, X: np.ndarray, block_rows: int = 32_768, threads: int | None = None
    ) -> np.ndarray:
        """Per-feature contributions and the bias, shape (n, n_features + 1), as LightGBM's
        ``predict(X, pred_contrib=True)``.

        Parameters
        ----------
        X : (n, n_features) values in the model's feature order; NaN is missing.
        block_rows : rows processed together (bounds the temporary arrays: about
            ``6 * block_rows * n_features`` floats per thread tree by tree, and about 60 bytes
            x ``_CHUNK_CELLS`` per thread for blocks of up to ``_BATCHED_ROWS`` rows).
        threads : blocks explained at the same time (NumPy releases the GIL in its array
            loops); None: one per CPU, as LightGBM's default; at most one per 10,000 rows. A
            call of one block of up to ``_BATCHED_ROWS`` rows runs its chunks of trees on
            them instead.
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected (n, {self.n_features}) feature values, found {X.shape}")
        # A thread pays the fixed cost per tree and leaf (Python, under the GIL) again: below
        # about 10k rows a thread, one thread is faster (measured on the shipped model).
        cpus = threads or os.cpu_count() or 1
        threads = max(1, min(cpus, len(X) // _ROWS_PER_THREAD))
        out = np.empty((len(X), self.n_features + 1))
        size = max(1, min(block_rows, -(-len(X) // threads)))
        starts = range(0, len(X), size)
        batched = size <= _BATCHED_ROWS
        if not batched:
            self.full_tables()  # built once, before any thread needs them

        def explain(start: int) -> None:
            stop = min(start + size, len(X))
            block = X[start:stop]
            explained = self._block(block, size) if batched else self._block_per_tree(block)
            out[start:stop] = explained.T

        if len(starts) == 1 and batched:
            # One small block: its chunks of trees run on the threads instead (the numbers do
            # not change: the chunks' sums are added in chunk order).
            out[:] = self._block(X, size, cpus).T
        elif threads == 1 or len(starts) == 1:
            for start in starts:
                explain(start)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(explain, starts))
        return out

    def _block(self, X: np.ndarray, rows: int, threads: int = 1) -> np.ndarray:
        """Contributions of one block of rows, transposed: (n_features + 1, len(X)).

        ``rows`` is the block size of the call (:meth:`_chunks` cuts the trees for it): every
        block of a call adds a row's values in the same order, so blocks and threads do not
        change a bit. ``threads``: chunks explained at the same time.
        """
        if len(X) == 1:
            # A sum over the first axis of an (m, 1) array is NumPy's pairwise sum of a
            # contiguous run, not the row-after-row sum of any other block: explained as two.
            return self._block(np.vstack([X, X]), rows, threads)[:, :1]
        # LightGBM's dense-row reader keeps only |x| > kZeroThreshold (or NaN): the rest is 0.
        values = np.where(np.abs(X) <= ZERO_THRESHOLD, 0.0, X).T.copy()
        ranks = self._ranks(values)
        out = np.zeros((self.n_features + 1, len(X)))
        out[self.n_features] = self.expected_value
        chunks = self._chunks(rows)
        if threads == 1 or len(chunks) <= 1:
            for chunk in chunks:
                self._explain_chunk(chunk, ranks, values, out)
            return out

        def explain(chunk: _Chunk) -> np.ndarray:
            part = np.zeros_like(out)
            self._explain_chunk(chunk, ranks, values, part)
            return part

        # 0 + x is x: adding each chunk's sums in chunk order gives one thread's numbers.
        with ThreadPoolExecutor(min(threads, len(chunks))) as pool:
            for part in pool.map(explain, chunks):
                out += part
        return out

    def _explain_chunk(
        self, chunk: _Chunk, ranks: np.ndarray, values: np.ndarray, out: np.ndarray
    ) -> None:
        """Add one chunk's contributions to ``out`` (n_features + 1, rows), in place."""
        # Every split of the chunk decides every row in one comparison (see _ranks).
        went_left = ranks[chunk.rank_row] <= chunk.rank[:, None]
        if len(chunk.zero_nodes):
            # Missing type Zero: zero (and NaN, already in its rank) takes the default direction.
            zero = values[chunk.zero_feature] == 0.0
            went_left[chunk.zero_nodes] = np.where(
                zero, chunk.zero_left[:, None], went_left[chunk.zero_nodes]
            )
        # Each unit's code of each row: the sum over its path of 2^depth where the row goes the
        # leaf's way, ``paths`` holding +2^depth (leaf on the left) or -2^depth (on the right)
        # and ``key_base`` the right turns' 2^depth (plus where the unit's keys start, see
        # _distinct). Integer arithmetic: exact.
        keys = chunk.paths @ went_left.view(np.int8).astype(chunk.key_base.dtype)
        keys += chunk.key_base[:, None]
        pair_unit, pair_code, inverse = _distinct(chunk, keys)
        tables = self._tables(chunk, pair_unit, pair_code)
        # The rows' values, gathered feature by feature. ``values`` holds each slot's column
        # of its unit's table (slots in feature order: a feature's values are one small
        # contiguous stretch, so the gathers stay in cache); row r's value of slot s is
        # ``values[inverse[u_s, r] + offset[s]]``. A row adds its values for a feature in the
        # chunk's slot order, whatever else is in the block (a sum over the first axis of a
        # C-ordered array of two or more columns adds row after row; see _block).
        n_pairs = tables.shape[1]
        per_unit = np.bincount(pair_unit, minlength=len(chunk.unit_k))
        first_pair = np.cumsum(per_unit) - per_unit
        counts = per_unit[chunk.slot_unit]
        offset = np.cumsum(counts) - counts - first_pair[chunk.slot_unit]
        # Value q of slot s is tables[slot_s, first_pair[u_s] + q - start_s], start_s the
        # slot's first value, = offset_s + first_pair[u_s].
        at = np.repeat(chunk.slot * n_pairs - offset, counts)
        at += np.arange(len(at))
        values = tables.ravel().take(at)
        for feature, s0, s1 in chunk.features:
            at = inverse.take(chunk.slot_unit[s0:s1], axis=0)
            at += offset[s0:s1, None]
            out[feature] += values.take(at).sum(axis=0)

    def _tables(self, chunk: _Chunk, pair_unit: np.ndarray, pair_code: np.ndarray) -> np.ndarray:
        """Each distinct (unit, code)'s values, shape (widest K of the chunk, pairs): its
        leaves' Shapley values times their values, summed; one batch per number of players."""
        width = int(chunk.unit_k.max(initial=0))
        tables = np.empty((width, len(pair_unit)))
        players = chunk.unit_k[pair_unit]
        order = np.argsort(players, kind="stable")
        ends = np.cumsum(np.bincount(players, minlength=width + 1))
        for k in range(1, width + 1):
            at = order[ends[k - 1] : ends[k]]
            if not len(at):
                continue
            unit, code = pair_unit[at], pair_code[at]
            second = chunk.leaf_b[unit] >= 0
            leaves = np.concatenate([chunk.leaf_a[unit], chunk.leaf_b[unit[second]]])
            # The right sibling's code is the left one's with the last path bit flipped.
            codes = np.concatenate([code, code[second] ^ chunk.flip[unit[second]]])
            masks = self._leaf_masks[:k, leaves]
            o = ((codes & masks) == masks).astype(np.float64)
            table = _shapley_players(o, self._leaf_z[:k, leaves], *quadrature(k))
            table *= self._leaf_value[leaves]
            head = table[:, : len(at)]
            head[:, second] += table[:, len(at) :]
            tables[:k, at] = head
        return tables

    def _block_per_tree(self, X: np.ndarray) -> np.ndarray:
        """:meth:`_block` tree by tree and unit by unit: a fixed cost per tree and leaf, but
        arrays of one row block per unit that stay in cache (faster on large blocks)."""
        rows = len(X)
        # LightGBM's dense-row reader keeps only |x| > kZeroThreshold (or NaN): the rest is 0.
        values = np.where(np.abs(X) <= ZERO_THRESHOLD, 0.0, X).T.copy()
        ranks = self._ranks(values)
        out = np.zeros((self.n_features + 1, rows))
        out[self.n_features] = self.expected_value
        lookup = np.zeros(1 << self._table_bits, dtype=np.intp)
        for tree, full in zip(self.trees, self.full_tables(), strict=True):
            if not tree.leaves:
                continue
            codes = self._codes(tree, ranks, values)
            # Units with a table of every code (see full_tables) gather from it directly; the
            # deeper ones get a table of the block's distinct codes.
            deep = tuple(
                unit for unit, table in zip(tree.units, full, strict=True) if table is None
            )
            distinct: list[np.ndarray] = []
            inverse: list[np.ndarray] = []
            for unit in deep:
                code = codes[unit.leaf]
                depth = len(tree.leaves[unit.leaf].bit_feature)
                if depth <= self._table_bits:
                    seen = np.flatnonzero(np.bincount(code, minlength=1 << depth))
                    lookup[seen] = np.arange(len(seen))
                    distinct.append(seen)
                    inverse.append(lookup[code])
                else:
                    seen, where = np.unique(code, return_inverse=True)
                    distinct.append(seen)
                    inverse.append(where)
            deep_tables = iter(zip(tree_tables(tree, distinct, deep), inverse, strict=True))
            # Units in tree order, whichever table they use: the same additions in the same
            # order as with distinct codes only, so the same bits.
            for unit, table in zip(tree.units, full, strict=True):
                if table is None:
                    table_t, rows_code = next(deep_tables)
                    gathered = table_t.T.take(rows_code, axis=1)
                else:
                    gathered = table.take(codes[unit.leaf], axis=1)
                # In place, one contiguous row a feature (``out[features] +=`` copies twice).
                for row, feature in zip(gathered, unit.features, strict=True):
                    out[feature] += row
        return out

    def full_tables(self) -> list[list[np.ndarray | None]]:
        """Per tree and unit, the unit's values for every code (K, 2^depth) when its leaf is at
        most ``_FULL_TABLE_BITS`` splits deep, else None. Built on the first large block (or
        ahead, by a scoring process: ``LinkClassifier.prepare``) and kept: a large block's
        distinct codes cover much of a shallow unit's 2^depth codes anyway, and a process
        explains many blocks (17 MB for the shipped model; small blocks and the start-up never
        build them)."""
        if self._full is None:
            full: list[list[np.ndarray | None]] = []
            for tree in self.trees:
                depth = [len(tree.leaves[unit.leaf].bit_feature) for unit in tree.units]
                shallow = tuple(
                    u for u, d in zip(tree.units, depth, strict=True) if d <= _FULL_TABLE_BITS
                )
                codes = [np.arange(1 << d, dtype=np.intp) for d in depth if d <= _FULL_TABLE_BITS]
                tables = iter(tree_tables(tree, codes, shallow))
                full.append(
                    [
                        np.ascontiguousarray(next(tables).T) if d <= _FULL_TABLE_BITS else None
                        for d in depth
                    ]
                )
            self._full = full
        return self._full

    def _ranks(self, values: np.ndarray) -> np.ndarray:
        """Each value's rank among its feature's cuts, twice: (2 * n_features, rows).

        ``searchsorted`` puts NaN after every cut (never ``<=`` a threshold, an inf one
        included); the second copy puts it at -1 (always ``<=``). A split reads the copy where
        NaN goes its way, so one comparison decides every row.
        """
        ranks = np.zeros((2 * self.n_features, values.shape[1]), dtype=self._rank_dtype)
        for f, cuts in enumerate(self._cuts):
            if len(cuts):
                ranks[f] = np.searchsorted(cuts, values[f])
                ranks[self.n_features + f] = np.where(np.isnan(values[f]), -1, ranks[f])
        return ranks

    @staticmethod
    def _codes(tree: _Tree, ranks: np.ndarray, values: np.ndarray) -> list[np.ndarray]:
        """Each leaf's code of each row (decisions as LightGBM's NumericalDecision)."""
        went_left = ranks[tree.rank_row] <= tree.rank[:, None]
        for node in tree.zero_nodes:
            # Missing type Zero: zero (and NaN, already in its rank) takes the default direction.
            zero = values[tree.feature[node]] == 0.0
            went_left[node] = np.where(zero, tree.default_left[node], went_left[node])
        # Bit ``depth`` where the row goes left (resp. right) at the split.
        bit = (1 << tree.depth)[:, None]
        goes_left = went_left * bit
        goes_right = bit - goes_left
        codes: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(tree.leaves)
        node_codes: dict[int, np.ndarray] = {}
        for node in tree.preorder:
            above = node_codes.pop(node, None)
            for child, step in (
                (tree.left[node], goes_left[node]),
                (tree.right[node], goes_right[node]),
            ):
                code = step if above is None else above + step
                if child < 0:
                    codes[~child] = code
                else:
                    node_codes[int(child)] = code
        return codes
