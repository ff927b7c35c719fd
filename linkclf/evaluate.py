"""`linkclf evaluate`'s workflow: a saved model on labelled data, grouped by referring domain,
next to its baselines.

Every figure comes with its reference: a rules baseline in the style of the commercial tools
(exact-match anchor + spammy TLD + many outbound links + sitewide) and the model without the
text embeddings, on the same held-out rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf import recipe
from linkclf.domains import hostname, tld
from linkclf.labelled import load_labelled
from linkclf.metrics import column_set_figures, point_metrics, split_metrics
from linkclf.model import LinkClassifier, choose_threshold

#: TLDs the rules baseline counts as spammy (the tools' "suspicious TLD" markers).
RULE_SPAMMY_TLDS = frozenset(
    "xyz top online site club info biz loan click link work gq ml cf tk ga ru cn win bid stream".split()
)


def rules_baseline(df: pd.DataFrame) -> np.ndarray:
    """Score in [0, 1] from four rules the way LRT / Semrush-style tools add up markers.

    Exact-match: the anchor repeats words of the target URL's path or host (a money phrase).
    """
    anchor = df["anchor"].astype("string").fillna("").str.lower()
    target_words = (
        df["target_url"]
        .astype("string")
        .fillna("")
        .str.lower()
        .str.replace(r"[^a-z0-9]+", " ", regex=True)
    )
    exact = np.array(
        [
            bool(a.strip()) and len(a.split()) >= 2 and all(w in t.split() for w in a.split())
            for a, t in zip(anchor, target_words, strict=True)
        ]
    )
    spam_tld = (
        df["source_url"]
        .astype("string")
        .fillna("")
        .map(lambda u: tld(hostname(u)) in RULE_SPAMMY_TLDS)
        .to_numpy(bool)
    )
    outbound = pd.to_numeric(df["external_links"], errors="coerce").fillna(0).to_numpy() > 100
    sitewide = df["sitewide"].astype("boolean").fillna(False).to_numpy(bool)
    footer = (
        df["placement"].astype("string").isin(["footer", "sidebar"]).fillna(False).to_numpy(bool)
    )
    followed = ~df["nofollow"].astype("boolean").fillna(False).to_numpy(bool)
    score = exact * 1.0 + spam_tld + outbound + (sitewide | footer) + 0.5 * followed
    return score / 4.5


def evaluate(
    model_dir: str | Path,
    data_paths: list[str],
    *,
    progress: Any = lambda msg: None,
) -> dict[str, Any]:
    """Evaluate a saved model on labelled data, with baselines, on the model's own test split.

    When the data is what the model was trained on, only the referring domains of its held-out
    test split are scored (the split is recomputed from the seed stored in the model); other data
    is scored whole. Baselines (rules; the model retrained without embeddings on the same
    training split) and out-of-distribution splits are computed in the same run.
    """
    model = LinkClassifier.load(model_dir)
    meta = model.meta_
    cfg = meta.get("config") or {}
    data = load_labelled(data_paths)
    same_data = sorted(map(str, data_paths)) == sorted(meta.get("training", {}).get("data", []))
    split_cfg = meta.get("training", {}).get(
        "split", {"seed": 0, "valid_size": 0.15, "test_size": 0.15}
    )
    if same_data and cfg:
        data = recipe.expand_column_sets(data, cfg)  # the rows the model was trained on
    masks = recipe.split(data, {"split": split_cfg})
    train_m, valid_m, test_m = masks.train, masks.valid, masks.test
    if not same_data:
        test_m = np.ones(len(data), bool)
    progress(
        f"scoring {int(test_m.sum()):,} held-out links ({'model test split' if same_data else 'all rows'})"
    )
    # The same measurement as training's: features over all rows, then the test rows selected.
    X = recipe.featurise_all(model.builder(), data)
    y = data["label"].to_numpy(dtype=int)
    p = model.p_manipulative(X[test_m])
    result: dict[str, Any] = {
        "model": str(model_dir),
        "data": list(map(str, data_paths)),
        "threshold": model.threshold_,
    }
    result.update(
        split_metrics(data[test_m], y[test_m], p, model.threshold_, cfg or {"evaluation": {}})
    )
    # Per vendor column set, when the data is rendered as each vendor's export (the training
    # data of a model trained with data.column_sets).
    result.update(column_set_figures(data[test_m], y[test_m], p, model.threshold_))
    rules = rules_baseline(data[test_m])
    # The rules baseline flags at its own best F0.5 cut, chosen on the validation rows.
    rule_thr = choose_threshold(rules_baseline(data[valid_m]), y[valid_m]) if valid_m.any() else 0.5
    result["baseline_rules"] = point_metrics(y[test_m], rules, rule_thr)
    if same_data and cfg:
        ablated = recipe.fit_on_masks(
            model.builder(),
            X,
            data,
            train_m,
            valid_m,
            cfg,
            exclude=recipe.EMBEDDING_FAMILIES,
            kinds=False,
        )
        result["baseline_no_embeddings"] = point_metrics(
            y[test_m], ablated.p_manipulative(X[test_m]), ablated.threshold_
        )
        for key, value in meta.get("metrics", {}).items():
            if key.startswith("ood_"):
                result[key] = value
    return result


def format_table(result: dict[str, Any]) -> str:
    """The evaluation as a plain-text table (what `linkclf evaluate` prints)."""
    cols = (
        "roc_auc",
        "pr_auc",
        "precision_at_threshold",
        "recall_at_threshold",
        "precision_at_100",
        "brier",
        "n",
    )
    rows = [("model", result["test"])]
    for key in ("baseline_no_embeddings", "baseline_rules"):
        if key in result:
            rows.append((key.replace("baseline_", "baseline: "), result[key]))
    rows += [
        (k.replace("column_set_", "column set: "), v)
        for k, v in result.items()
        if k.startswith("column_set_")
    ]
    rows += [
        (k.replace("ood_", "held out: ").replace("_column_set_", " @ "), v)
        for k, v in result.items()
        if k.startswith("ood_")
    ]
    width = max(28, *(len(name) + 2 for name, _ in rows))
    short = {
        "roc_auc": "ROC-AUC",
        "pr_auc": "PR-AUC",
        "precision_at_threshold": "prec@thr",
        "recall_at_threshold": "recall@thr",
        "precision_at_100": "prec@100",
        "brier": "Brier",
        "n": "links",
    }
    head = f"{'':{width}}" + "".join(f"{short[c]:>13}" for c in cols)
    lines = [head]
    for name, m in rows:
        lines.append(
            f"{name:{width}}"
            + "".join(
                f"{m.get(c, float('nan')):>13.3f}" if c != "n" else f"{int(m.get(c, 0)):>13,}"
                for c in cols
            )
        )
    ci = result.get("test_ci", {})
    if ci:
        lines.append("")
        lines.append(
            "95% CI (bootstrap over referring domains): "
            + ", ".join(f"{k} {lo:.3f}-{hi:.3f}" for k, (lo, hi) in ci.items())
        )
    if result.get("per_kind"):
        lines.append("")
        lines.append(
            "per kind (vs natural):  "
            + ", ".join(
                f"{k} AUC {v['roc_auc']:.3f} recall {v['recall_at_threshold']:.2f} (n={v['n']})"
                for k, v in result["per_kind"].items()
            )
        )
    for key, per_kind in result.items():
        if key.startswith("per_kind_column_set_"):
            lines.append(
                f"per kind @ {key.removeprefix('per_kind_column_set_')}: ".ljust(24)
                + ", ".join(
                    f"{k} AUC {v['roc_auc']:.3f} recall {v['recall_at_threshold']:.2f}"
                    for k, v in per_kind.items()
                )
            )
    if result.get("per_language"):
        lines.append(
            "per language:           "
            + ", ".join(
                f"{k} AUC {v['roc_auc']:.3f} PR-AUC {v['pr_auc']:.3f}"
                for k, v in result["per_language"].items()
            )
        )
    return "\n".join(lines)
