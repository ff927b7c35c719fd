"""The promotion gate on the user's own labels: a retrained model replaces the current one only
if it is better on the links the user reviewed, by more than the noise.

Why a gate of its own: a retrained model can pass a comparison on *simulated* held-out data and
still be worse on the user's export (issue 12: 0.001 PR-AUC better on simulated domains, precision
on the user's unreviewed links 0.76 -> 0.54). So when user labels exist:

1. **Held-out user links.** The new model is scored on user-labelled links it was not trained on:
   cross-validated over the user's referring domains (``fit`` retrains without one fold at a
   time; every user link gets an out-of-fold probability and flag at its fold model's own
   threshold). A caller that already holds a model trained without the evaluated links (one
   fold of a recipe) passes no ``fit``.
2. **Selection bias.** Reviewed links are not a random sample: the queue and the reviewer pick
   mostly high-p links. Each reviewed link is weighted by the inverse of its propensity of being
   reviewed, estimated per bin of the *current* model's score at review time (``review_p``)
   against the whole scored export (``population_p``): a bin where 1 link in 50 was reviewed
   counts each reviewed link 50 times. Score bins where nobody reviewed anything cannot be
   evaluated at all; the share of the export they hold is reported as uncovered.
3. **More than the noise.** The statistic is what the user sees: F-beta (beta 0.5, as the
   threshold rule) of each model's flags at its own threshold, weighted. The gate requires the
   95% interval of ``F(new) - F(current)`` from a paired bootstrap over referring domains (both
   models on the same resampled domains) to exclude zero, and the weighted Brier score on the
   user's links not to be worse (the probabilities, not only the flags, must not degrade).
4. **Not worse on simulated data** beyond ``tolerance`` in PR-AUC (absolute, 0.01) or
   ``brier_tolerance`` in Brier score (relative, 10% of the current model's, floor 0.01) on the
   simulated held-out split, where "worse" must also be beyond the noise (the loss's paired
   bootstrap interval over referring domains excludes zero): decisions that contradict the training data
   (e.g. keep/disavow swapped) make the new model hedge, which shows in calibration first.

Everything here is pure computation over models and DataFrames; :func:`GateResult.metrics` is
what :mod:`linkclf.tracking` logs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from linkclf.errors import InputError
from linkclf.splits import domain_groups

#: PR-AUC the new model may lose on the simulated held-out split and still be promoted.
SIM_TOLERANCE = 0.01
#: Brier score the new model may add on the simulated held-out split, relative to the current
#: model's (floor 0.01): labels that contradict the training data make a model hedge, which
#: shows in calibration before ranking figures move.
SIM_BRIER_TOLERANCE = 0.10
#: Fewer user-labelled referring domains than this: too few to tell, the current model stays.
MIN_DOMAINS = 8
#: Score bins for the review propensity (fixed width over [0, 1]).
PROPENSITY_BINS = 10


class Scorer(Protocol):
    """What the gate needs of a model: its features, probabilities and threshold."""

    features: Any
    threshold_: float

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray: ...


def probabilities(
    model: Scorer, links: pd.DataFrame, within: pd.DataFrame | None = None
) -> np.ndarray:
    """P(manipulative) of each link, whether ``predict_proba`` returns (n,) or (n, 2).

    ``within``: the whole export ``links`` is part of (its index a superset of ``links``'s).
    Profile features describe a target's whole link profile, so a subset of an export must be
    featurised inside the export it came from, never on its own.
    """
    frame = links if within is None else within
    p = np.asarray(model.predict_proba(model.features.transform(frame)), dtype=float)
    p = p[:, 1] if p.ndim == 2 else p
    if within is None:
        return p
    return pd.Series(p, index=within.index).loc[links.index].to_numpy()


def review_weights(
    review_p: np.ndarray, population_p: np.ndarray, bins: int = PROPENSITY_BINS
) -> tuple[np.ndarray, float]:
    """Inverse-propensity weights of reviewed links, and the share of the export they cover.

    Parameters
    ----------
    review_p : the current model's score of each reviewed link when it was reviewed.
    population_p : the same model's scores of every link of the export(s) reviewed from.

    Returns
    -------
    weights : one per reviewed link, mean 1 (a bin's reviewed links together stand for all
        the export's links in that bin).
    coverage : share of the export's links in bins where at least one link was reviewed.
    """
    edges = np.linspace(0.0, 1.0, bins + 1)[1:-1]
    rb = np.digitize(np.clip(review_p, 0, 1), edges)
    pb = np.digitize(np.clip(population_p, 0, 1), edges)
    n_pop = np.bincount(pb, minlength=bins).astype(float)
    n_rev = np.bincount(rb, minlength=bins).astype(float)
    weights = n_pop[rb] / np.maximum(n_rev[rb], 1.0)
    weights = np.where(weights > 0, weights, 1.0)  # a reviewed link outside the population
    coverage = float(n_pop[n_rev > 0].sum() / n_pop.sum()) if n_pop.sum() else float("nan")
    return weights / weights.mean(), coverage


def weighted_scores(
    y: np.ndarray,
    p: np.ndarray,
    flag: np.ndarray,
    w: np.ndarray,
    beta: float = 0.5,
    ranking: bool = True,
) -> dict[str, float]:
    """Precision, recall, F-beta at the flags, Brier and (``ranking``) PR-AUC, each link
    weighted by ``w``."""
    y = y.astype(float)
    tp = float((w * flag * y).sum())
    flagged = float((w * flag).sum())
    positives = float((w * y).sum())
    precision = tp / flagged if flagged else float("nan")
    recall = tp / positives if positives else float("nan")
    b2 = beta * beta
    f = (
        (1 + b2) * precision * recall / (b2 * precision + recall)
        if flagged and positives and (precision + recall) > 0
        else 0.0
    )
    pr_auc = (
        float(average_precision_score(y, p, sample_weight=w))
        if ranking and 0 < positives < w.sum()
        else float("nan")
    )
    return {
        "precision": precision,
        "recall": recall,
        "f_beta": f,
        "brier": float((w * (p - y) ** 2).sum() / w.sum()),
        "pr_auc": pr_auc,
        "flagged_share": flagged / float(w.sum()),
    }


def domain_folds(groups: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """Fold number of every row, whole referring domains per fold, folds as even as possible."""
    uniq = np.unique(groups)
    order = np.random.default_rng(seed).permutation(len(uniq))
    fold_of = dict(zip(uniq[order], np.arange(len(uniq)) % folds, strict=True))
    return np.array([fold_of[g] for g in groups], dtype=int)


def paired_bootstrap(
    stat: Callable[[np.ndarray], float], groups: np.ndarray, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95% percentile interval of ``stat(rows)`` over bootstraps of whole groups (domains)."""
    rng = np.random.default_rng(seed)
    uniq, inverse = np.unique(groups, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(len(uniq))]
    values = []
    for _ in range(n_boot):
        rows = np.concatenate([members[g] for g in rng.integers(0, len(uniq), len(uniq))])
        values.append(stat(rows))
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if not len(arr):
        return float("nan"), float("nan")
    return float(np.percentile(arr, 2.5)), float(np.percentile(arr, 97.5))


@dataclass
class GateResult:
    """The gate's figures and decision.

    ``before`` / ``after``: the current and the new model on the user's held-out links
    (weighted; keys of :func:`weighted_scores`). ``gain`` = F-beta(new) - F-beta(current) at
    each model's own threshold, positive when the new model is better, with its paired
    bootstrap interval ``gain_ci``.
    """

    promote: bool
    reason: str
    n_links: int
    n_domains: int
    folds: int
    before: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)
    gain: float = float("nan")
    gain_ci: tuple[float, float] = (float("nan"), float("nan"))
    sim_before: float = float("nan")
    sim_after: float = float("nan")
    sim_brier_before: float = float("nan")
    sim_brier_after: float = float("nan")
    tolerance: float = SIM_TOLERANCE
    brier_tolerance: float = SIM_BRIER_TOLERANCE
    threshold_before: float = float("nan")
    threshold_after: float = float("nan")
    weighting: str = "none"
    coverage: float = float("nan")

    def metrics(self) -> dict[str, float]:
        """Flat numeric figures for MLflow (``gate_`` prefix is the caller's)."""
        out: dict[str, float] = {
            "promote": float(self.promote),
            "user_links": float(self.n_links),
            "user_domains": float(self.n_domains),
            "folds": float(self.folds),
            "f_beta_gain": self.gain,
            "f_beta_gain_lo": self.gain_ci[0],
            "f_beta_gain_hi": self.gain_ci[1],
            "sim_pr_auc_before": self.sim_before,
            "sim_pr_auc_after": self.sim_after,
            "sim_brier_before": self.sim_brier_before,
            "sim_brier_after": self.sim_brier_after,
            "threshold_before": self.threshold_before,
            "threshold_after": self.threshold_after,
            "coverage": self.coverage,
        }
        for key, value in self.before.items():
            out[f"user_{key}_before"] = value
        for key, value in self.after.items():
            out[f"user_{key}_after"] = value
        return out

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """What the user reads: figures before/after, the threshold change, the decision."""
        b, a = self.before, self.after
        out = [
            f"promotion gate on your labels: {self.n_links:,} links from {self.n_domains:,}"
            f" referring domains, {self.folds}-fold by domain; weights: {self.weighting}",
        ]
        if b and a:
            out.append(
                f"  on your held-out links: precision {b['precision']:.3f} -> {a['precision']:.3f},"
                f" recall {b['recall']:.3f} -> {a['recall']:.3f}, F-beta {b['f_beta']:.3f} ->"
                f" {a['f_beta']:.3f} (gain {self.gain:+.3f}, 95% CI {self.gain_ci[0]:+.3f} to"
                f" {self.gain_ci[1]:+.3f}), Brier {b['brier']:.4f} -> {a['brier']:.4f}"
            )
        out.append(
            f"  threshold {self.threshold_before:.3f} -> {self.threshold_after:.3f};"
            f" simulated held-out PR-AUC {self.sim_before:.3f} -> {self.sim_after:.3f},"
            f" Brier {self.sim_brier_before:.4f} -> {self.sim_brier_after:.4f} (tolerances"
            f" {self.tolerance:g} PR-AUC, {self.brier_tolerance:.0%} Brier)"
        )
        out.append(f"  {'promote' if self.promote else 'keep the current model'}: {self.reason}")
        return out


def _sim_check(
    result: GateResult,
    current: Scorer,
    new: Scorer,
    sim_holdout: pd.DataFrame,
    n_boot: int,
    seed: int,
) -> bool:
    """Fill the simulated figures; True when the new model is worse there beyond the tolerance
    *and* beyond the noise (the 95% interval of the loss, bootstrapped over referring domains,
    excludes zero): a small held-out set must not veto a model on a fluctuation."""
    y = sim_holdout["label"].to_numpy(dtype=int)
    p_cur, p_new = probabilities(current, sim_holdout), probabilities(new, sim_holdout)
    result.sim_before = float(average_precision_score(y, p_cur))
    result.sim_after = float(average_precision_score(y, p_new))
    result.sim_brier_before = float(np.mean((p_cur - y) ** 2))
    result.sim_brier_after = float(np.mean((p_new - y) ** 2))
    groups = domain_groups(sim_holdout).to_numpy()
    scale = max(result.sim_brier_before, 0.01)

    def pr_drop(rows: np.ndarray) -> float:
        if len(np.unique(y[rows])) < 2:
            return float("nan")
        return float(
            average_precision_score(y[rows], p_cur[rows])
            - average_precision_score(y[rows], p_new[rows])
        )

    def brier_rise(rows: np.ndarray) -> float:
        return float(np.mean((p_new[rows] - y[rows]) ** 2 - (p_cur[rows] - y[rows]) ** 2))

    worse = False
    if result.sim_before - result.sim_after > result.tolerance:
        worse |= paired_bootstrap(pr_drop, groups, min(n_boot, 300), seed)[0] > 0
    if (result.sim_brier_after - result.sim_brier_before) / scale > result.brier_tolerance:
        worse |= paired_bootstrap(brier_rise, groups, min(n_boot, 300), seed)[0] > 0
    return bool(worse)


def promotion_gate(
    current: Scorer,
    new: Scorer,
    user_links: pd.DataFrame,
    sim_holdout: pd.DataFrame | None,
    *,
    fit: Callable[[np.ndarray], Scorer] | None = None,
    export: pd.DataFrame | None = None,
    folds: int = 5,
    review_p: np.ndarray | None = None,
    population_p: np.ndarray | None = None,
    tolerance: float = SIM_TOLERANCE,
    brier_tolerance: float = SIM_BRIER_TOLERANCE,
    beta: float = 0.5,
    n_boot: int = 1000,
    min_domains: int = MIN_DOMAINS,
    seed: int = 0,
) -> GateResult:
    """Decide whether ``new`` replaces ``current`` (rules in the module docstring).

    Parameters
    ----------
    current : the installed model.
    new : the candidate, trained on everything (its threshold and simulated figures are
        reported; with ``fit`` it is not scored on the user's links, which it has seen).
    user_links : user-labelled links (``label``; ``referring_domain`` or ``source_url``).
    sim_holdout : simulated held-out links with ``label`` (None: no simulated check).
    fit : ``fit(held_out)`` returns a model trained the same way as ``new`` but without the
        user links where the boolean array ``held_out`` is True. None: ``new`` never saw
        ``user_links`` (e.g. the recipe calls the gate once per fold).
    export : the whole export(s) the user links come from (their index a subset of its index):
        user links are featurised inside it (profile features need the whole profile).
    folds : cross-validation folds over user referring domains (fewer if fewer domains).
    review_p, population_p : the current model's scores of the reviewed links at review time
        and of every link of the scored export(s), for inverse-propensity weights (None: equal
        weights, said in the result).
    tolerance, brier_tolerance : PR-AUC the new model may lose (absolute) and Brier score it
        may add (relative to the current model's, floor 0.01) on ``sim_holdout``.
    beta : F-beta of the flags (0.5, as the threshold rule: precision counts double).
    """
    y = user_links["label"].to_numpy(dtype=int)
    groups = domain_groups(user_links).to_numpy()
    n_domains = len(np.unique(groups))
    result = GateResult(
        promote=False,
        reason="",
        n_links=len(y),
        n_domains=n_domains,
        folds=0,
        tolerance=tolerance,
        brier_tolerance=brier_tolerance,
        threshold_before=float(current.threshold_),
        threshold_after=float(new.threshold_),
    )
    sim_worse = False
    if sim_holdout is not None and len(sim_holdout):
        sim_worse = _sim_check(result, current, new, sim_holdout, n_boot, seed)
    if n_domains < min_domains or len(np.unique(y)) < 2:
        result.reason = (
            f"too few user labels to tell ({n_domains} referring domains, "
            f"{'both classes' if len(np.unique(y)) > 1 else 'one class only'}; need"
            f" {min_domains} domains and both decisions); --force replaces it anyway"
        )
        return result

    p_cur = probabilities(current, user_links, export)
    flag_cur = p_cur >= current.threshold_
    if fit is None:
        p_new = probabilities(new, user_links, export)
        flag_new = p_new >= new.threshold_
    else:
        k = max(2, min(folds, n_domains))
        result.folds = k
        fold = domain_folds(groups, k, seed)
        p_new = np.zeros(len(y))
        flag_new = np.zeros(len(y), dtype=bool)
        for f in range(k):
            held = fold == f
            model = fit(held)
            p_new[held] = probabilities(model, user_links, export)[held]
            flag_new[held] = p_new[held] >= model.threshold_

    if review_p is not None and population_p is not None:
        w, result.coverage = review_weights(np.asarray(review_p, float), population_p)
        result.weighting = (
            "inverse review propensity per score bin"
            f" (bins holding {result.coverage:.0%} of the export)"
        )
    else:
        w = np.ones(len(y))
        result.weighting = "none (no scored export given: figures are about the reviewed links)"
    result.before = weighted_scores(y, p_cur, flag_cur, w, beta)
    result.after = weighted_scores(y, p_new, flag_new, w, beta)

    def gain(rows: np.ndarray) -> float:
        wr, yr = w[rows], y[rows]
        after = weighted_scores(yr, p_new[rows], flag_new[rows], wr, beta, ranking=False)
        before = weighted_scores(yr, p_cur[rows], flag_cur[rows], wr, beta, ranking=False)
        return after["f_beta"] - before["f_beta"]

    result.gain = result.after["f_beta"] - result.before["f_beta"]
    result.gain_ci = paired_bootstrap(gain, groups, n_boot, seed)
    lo, hi = result.gain_ci
    brier_before, brier_after = result.before["brier"], result.after["brier"]
    if not lo > 0:
        result.reason = (
            f"not better on your links beyond the noise (F{beta:g} gain {result.gain:+.3f},"
            f" 95% CI {lo:+.3f} to {hi:+.3f}); --force replaces it anyway"
        )
    elif brier_after > brier_before:
        result.reason = (
            f"flags better on your links but probabilities worse (Brier {brier_before:.4f} ->"
            f" {brier_after:.4f}); --force replaces it anyway"
        )
    elif sim_worse:
        result.reason = (
            f"better on your links but worse on simulated held-out data (PR-AUC"
            f" {result.sim_before:.3f} -> {result.sim_after:.3f}, Brier"
            f" {result.sim_brier_before:.4f} -> {result.sim_brier_after:.4f}; tolerances"
            f" {tolerance:g} PR-AUC, {brier_tolerance:.0%} Brier): do your decisions contradict the training"
            " data? --force replaces it anyway"
        )
    else:
        result.promote = True
        result.reason = (
            f"better on your held-out links (F{beta:g} gain {result.gain:+.3f}, 95% CI"
            f" {lo:+.3f} to {hi:+.3f}; Brier {brier_before:.4f} -> {brier_after:.4f}) and within"
            " tolerance on simulated held-out data"
        )
    return result


# --- for the training recipe ----------------------------------------------------------------
def _keys(df: pd.DataFrame) -> pd.Series:
    cols = [c for c in ("source_url", "target_url", "anchor") if c in df.columns]
    return df[cols].astype("string").fillna("").agg("\x1f".join, axis=1)


def gate_training_run(
    current: Scorer,
    new: Scorer,
    data: pd.DataFrame,
    user_data: pd.DataFrame,
    test_mask: np.ndarray,
    refit: Callable[[np.ndarray], Scorer],
    population_p: np.ndarray | None = None,
    **options: Any,
) -> GateResult:
    """The gate inside a training run: which rows of ``data`` are the user's, and how to refit.

    Parameters
    ----------
    current, new : the installed model and the one just trained on all of ``data``.
    data : every labelled row of the run (shipped data + the user's).
    user_data : the user's labelled rows (read on their own, e.g. with
        :func:`linkclf.labelled.load_labelled` on the user's files); matched to ``data`` on
        (source_url, target_url, anchor).
    test_mask : the run's held-out rows; its non-user rows are the simulated held-out set.
    refit : ``refit(drop)`` trains like ``new`` without the rows of ``data`` where ``drop``.
    population_p : scores of every link of the user's scored export(s), for the review
        propensity (with ``p_manipulative`` on the user rows).
    options : passed to :func:`promotion_gate` (folds, tolerance, ...).
    """
    is_user = _keys(data).isin(set(_keys(user_data))).to_numpy()
    user_idx = np.flatnonzero(is_user)
    user_links = data[is_user]

    def fit(held: np.ndarray) -> Scorer:
        drop = np.zeros(len(data), dtype=bool)
        drop[user_idx[held]] = True
        return refit(drop)

    review_p = None
    if population_p is not None and "p_manipulative" in user_links.columns:
        values = pd.to_numeric(user_links["p_manipulative"], errors="coerce")
        review_p = values.to_numpy(dtype=float) if values.notna().all() else None
    return promotion_gate(
        current,
        new,
        user_links,
        data[test_mask & ~is_user],
        fit=fit,
        review_p=review_p,
        population_p=population_p if review_p is not None else None,
        **options,
    )


def user_gate(
    current_dir: Any,
    new: Scorer,
    data: pd.DataFrame,
    paths: list[str],
    reviews: list[str],
    cfg: dict[str, Any],
    test_mask: np.ndarray,
    refit: Callable[[np.ndarray], Scorer],
) -> GateResult:
    """:func:`gate_training_run` for ``linkclf train --review``: the user's rows are those the
    review decisions labelled (rows of scored files), the propensity population is every row
    of those files (their ``p_manipulative``)."""
    from pathlib import Path

    from linkclf.io import read_csv_text
    from linkclf.labelled import load_labelled
    from linkclf.model import LinkClassifier

    # The user's rows: those labelled by the decisions, i.e. the scored files' rows (they
    # carry p_manipulative); else the --data files outside the config's shipped data.
    shipped = {str(Path(p).resolve()) for p in cfg.get("data", {}).get("paths", [])}
    user_paths = [p for p in paths if str(Path(p).resolve()) not in shipped] or list(paths)
    scored_rows = (
        data["p_manipulative"].notna()
        if "p_manipulative" in data.columns
        else pd.Series(False, index=data.index)
    )
    if scored_rows.any():
        user_data = data[scored_rows.to_numpy()]
    else:
        try:
            user_data = load_labelled(user_paths, reviews)
        except InputError:  # e.g. decisions of one class only: the gate says "too few labels"
            user_data = data.iloc[:0]
    population = []
    for path in user_paths:
        try:
            col = read_csv_text(path, ["p_manipulative"], what="a scored CSV", fix="")
        except Exception:  # noqa: BLE001 - not a plain scored CSV (e.g. gzipped): no weights
            continue
        if "p_manipulative" in col.columns:
            population.append(pd.to_numeric(col["p_manipulative"], errors="coerce").dropna())
    gate_cfg = cfg.get("gate", {})
    return gate_training_run(
        LinkClassifier.load(current_dir),
        new,
        data,
        user_data,
        test_mask,
        refit,
        population_p=pd.concat(population).to_numpy() if population else None,
        folds=int(gate_cfg.get("folds", 5)),
        tolerance=float(gate_cfg.get("sim_tolerance", SIM_TOLERANCE)),
        brier_tolerance=float(gate_cfg.get("sim_brier_tolerance", SIM_BRIER_TOLERANCE)),
    )
