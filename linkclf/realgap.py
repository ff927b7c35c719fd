"""The reality gap: how easily real natural links are told from simulated natural links.

A LightGBM classifier is trained to separate the real pages' natural outbound links
(:func:`linkclf.realdata_links.real_links`, affiliate links left out) from a same-sized sample of
the simulated natural links (``label == 0`` rows of the training data), on the features of the
model under test, out of fold with whole referring sites on one side (grouped CV). ROC-AUC 0.5
means the simulator's natural links look like real ones *to this model*; each feature's own
ROC-AUC (``max(auc, 1 - auc)``, a missing value ranked below every value) says which signal gives
the simulator away: an artifact to fix in the simulator or drop from the model.

Both sides are compared as the same kind of export: the columns a saved page cannot fill (vendor
metrics, first/last seen, source IP, sitewide, lost) are blanked on the simulated rows too, so a
column's mere presence separates nothing. The profile features (``profile_domain``,
``profile_target``) describe one target's whole link profile; the real links are not profiles
(a few pages linking many targets), so the headline is also given without those two families.

``python -m linkclf.realgap --model models/default`` prints the markdown section the datasheet
includes; ``linkclf check-real --gap`` adds it to the real-data figures.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from linkclf.domains import site
from linkclf.errors import InputError
from linkclf.profiles import featurise
from linkclf.realdata import roc_auc
from linkclf.schema import CANONICAL_COLUMNS, METRIC_FIELDS, conform

#: Columns a saved page cannot fill; blanked on the simulated side as well.
NOT_ON_A_PAGE = tuple(c for c in METRIC_FIELDS if c not in ("external_links", "internal_links")) + (
    "first_seen",
    "last_seen",
    "lost",
    "source_ip",
    "sitewide",
)
PROFILE_FAMILIES = ("profile_domain", "profile_target")
GAP_PARAMS: dict[str, Any] = {
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 20,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "verbose": -1,
    "n_jobs": 1,
}


def _single_auc(y: np.ndarray, values: np.ndarray) -> float:
    """max(auc, 1 - auc) of one feature, a missing value ranked below every observed one."""
    v = values.astype(float)
    finite = v[np.isfinite(v)]
    low = (finite.min() - 1.0) if finite.size else 0.0
    v = np.where(np.isfinite(v), v, low)
    auc = roc_auc(y, v)
    return max(auc, 1.0 - auc)


def _oof_auc(X: pd.DataFrame, y: np.ndarray, groups: np.ndarray, seed: int, folds: int) -> float:
    scores = np.empty(len(y))
    split = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in split.split(X, y, groups):
        model = lgb.LGBMClassifier(**GAP_PARAMS, random_state=seed)
        model.fit(X.iloc[train], y[train])
        scores[test] = np.asarray(model.predict_proba(X.iloc[test]))[:, 1]
    return roc_auc(y, scores)


def read_simulated(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The labelled simulated links, conformed, with the columns a saved page cannot fill
    blanked (:data:`NOT_ON_A_PAGE`)."""
    file = Path(path)
    if not file.is_file():
        raise InputError(
            expected="the simulated training links (a canonical CSV with a label column)",
            found="nothing there",
            fix="pass --data datasets/default/links.csv.gz or run `linkclf simulate`",
            where=str(file),
        )
    df = conform(pd.read_csv(file, low_memory=False))
    if df["label"].isna().all():
        raise InputError(
            expected="a label column (0 natural, 1 manipulative)",
            found="no labels",
            fix="pass the labelled training links",
            where=str(file),
        )
    for col in NOT_ON_A_PAGE:
        df[col] = df[col].where(pd.Series(False, index=df.index))
    return df


def reality_gap(
    model_dir: str | os.PathLike[str] = "models/default",
    simulated: str | os.PathLike[str] = "datasets/default/links.csv.gz",
    *,
    data_dir: str | os.PathLike[str] | None = None,
    seed: int = 0,
    folds: int = 5,
) -> dict[str, Any]:
    """Real-vs-simulated natural links: grouped out-of-fold ROC-AUC of a LightGBM on the model's
    features (all, and without the profile families) and every feature's own separation.

    Raises
    ------
    InputError, ModelError
        The real pages, the simulated file or the model directory are missing.
    """
    from linkclf.model import LinkClassifier
    from linkclf.realdata_links import real_links

    model = LinkClassifier.load(Path(model_dir))
    real = real_links(data_dir)
    real = real[~real["affiliate"]].reset_index(drop=True)
    sim_all = read_simulated(simulated)
    natural = sim_all.index[(sim_all["label"] == 0).fillna(False).to_numpy(dtype=bool)]
    picked = natural.to_series().sample(n=min(len(real), len(natural)), random_state=seed)
    # Features on the whole simulated file, as at training (profile features see whole profiles);
    # then the natural sample. The real links are featurised on their own.
    sim_X = featurise(model.builder(), sim_all[list(CANONICAL_COLUMNS)]).loc[picked]
    real_X = featurise(model.builder(), conform(real)[list(CANONICAL_COLUMNS)])
    columns = list(model.feature_columns_)
    X = pd.concat([real_X[columns], sim_X[columns]], ignore_index=True)
    y = np.r_[np.ones(len(real_X)), np.zeros(len(sim_X))].astype(int)
    sources = pd.concat([real["source_url"], sim_all.loc[picked, "source_url"]], ignore_index=True)
    groups = sources.astype(str).map(site).to_numpy()
    families = model.builder().families_
    no_profile = [c for c in columns if families.get(c) not in PROFILE_FAMILIES]
    features: list[dict[str, Any]] = []
    for col in columns:
        values = X[col].to_numpy(dtype=float)
        real_v, sim_v = values[y == 1], values[y == 0]
        features.append(
            {
                "feature": col,
                "family": families.get(col, "?"),
                "auc": round(_single_auc(y, values), 4),
                "real_mean": _mean(real_v),
                "simulated_mean": _mean(sim_v),
                "real_missing": round(float(np.isnan(real_v).mean()), 4),
                "simulated_missing": round(float(np.isnan(sim_v).mean()), 4),
            }
        )
    features.sort(key=lambda f: (-f["auc"], f["feature"]))
    return {
        "model": model.version_label(),
        "simulated_file": str(simulated),
        "n_real": int(len(real_X)),
        "n_simulated": int(len(sim_X)),
        "n_real_sites": int(len(set(groups[y == 1]))),
        "folds": folds,
        "seed": seed,
        "blanked_on_simulated": list(NOT_ON_A_PAGE),
        "roc_auc_all_features": round(_oof_auc(X, y, groups, seed, folds), 4),
        "roc_auc_without_profile_features": round(
            _oof_auc(X[no_profile], y, groups, seed, folds), 4
        ),
        "n_features_above_0_75": sum(f["auc"] > 0.75 for f in features),
        # One classifier per family: which block of signals gives the simulator away as a
        # whole, even when none of its features does on its own (the anchor embedding).
        "families": {
            family: round(_oof_auc(X[cols], y, groups, seed, folds), 4)
            for family, cols in _by_family(columns, families).items()
        },
        "features": features,
    }


def _by_family(columns: list[str], families: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for col in columns:
        out.setdefault(families.get(col, "?"), []).append(col)
    return dict(sorted(out.items()))


def _mean(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return round(float(finite.mean()), 4) if finite.size else None


def gap_markdown(gap: dict[str, Any], top: int = 15) -> str:
    """The reality-gap section of the datasheet: headline figures and the top features."""
    lines = [
        "### Reality gap: real vs simulated natural links",
        "",
        f"A LightGBM told {gap['n_real']:,} real natural links (outbound links of real article "
        f"pages, {gap['n_real_sites']} sites, affiliate links excluded) from {gap['n_simulated']:,} "
        f"simulated natural links ({gap['simulated_file']}) on the features of `{gap['model']}`, "
        f"{gap['folds']}-fold CV grouped by referring site, seed {gap['seed']}. Columns a saved "
        "page cannot fill (vendor metrics, dates, IP, sitewide) were blanked on both sides.",
        "",
        f"- ROC-AUC, all features: **{gap['roc_auc_all_features']:.3f}** (0.5 = indistinguishable)",
        f"- ROC-AUC without the profile features (the real links are not target profiles): "
        f"**{gap['roc_auc_without_profile_features']:.3f}**",
        f"- features whose own ROC-AUC exceeds 0.75: {gap['n_features_above_0_75']} "
        f"of {len(gap['features'])}",
        "- ROC-AUC of each family's features together: "
        + ", ".join(f"{family} {auc:.3f}" for family, auc in gap.get("families", {}).items()),
        "",
        "| feature | family | own ROC-AUC | real mean | simulated mean | real missing | simulated missing |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in gap["features"][:top]:
        lines.append(
            f"| `{f['feature']}` | {f['family']} | {f['auc']:.3f} | {_fmt(f['real_mean'])} | "
            f"{_fmt(f['simulated_mean'])} | {f['real_missing']:.0%} | {f['simulated_missing']:.0%} |"
        )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def main(argv: list[str] | None = None) -> None:
    """``python -m linkclf.realgap [--model DIR] [--data FILE] [-o gap.json]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--data", default="datasets/default/links.csv.gz")
    parser.add_argument("--data-dir", default=None, help="the real-data folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    gap = reality_gap(args.model, args.data, data_dir=args.data_dir, seed=args.seed)
    if args.output:
        from linkclf.io import write_text_atomic

        write_text_atomic(args.output, json.dumps(gap, indent=2) + "\n")
    print(gap_markdown(gap))


if __name__ == "__main__":
    main()
