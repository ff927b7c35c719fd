"""Honest evaluation: grouped by referring domain, out-of-distribution splits, baselines.

Every figure comes with its reference: a rules baseline in the style of the commercial tools
(exact-match anchor + spammy TLD + many outbound links + sitewide) and the model without the
text embeddings, on the same held-out rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linkclf.domains import hostname, tld
from linkclf.metrics import bootstrap_ci, point_metrics, reliability
from linkclf.schema import MANIPULATIVE_KINDS

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


def ood_groups(data: pd.DataFrame, cfg: dict[str, Any]) -> dict[str, np.ndarray]:
    """Masks of the held-out language(s) and niches; whole referring domains go with them."""
    from linkclf.splits import holdout

    languages = list(cfg.get("ood", {}).get("languages") or [])
    niches = list(cfg.get("ood", {}).get("niches") or [])
    if not languages or not niches:
        try:
            from linkclf.datasets import HOLDOUT_LANGUAGE, HOLDOUT_NICHES

            languages = languages or [HOLDOUT_LANGUAGE]
            niches = niches or list(HOLDOUT_NICHES)
        except ImportError:
            pass
    out: dict[str, np.ndarray] = {}
    if languages and "language" in data.columns and data["language"].isin(languages).any():
        out[f"language_{'_'.join(languages)}"] = holdout(data, "language", languages)[1]
    if niches and "niche" in data.columns and data["niche"].isin(niches).any():
        out["niches_" + "_".join(niches)] = holdout(data, "niche", niches)[1]
    return out


def split_metrics(
    df: pd.DataFrame,
    y: np.ndarray,
    p: np.ndarray,
    threshold: float,
    cfg: dict[str, Any],
    ci: bool = True,
) -> dict[str, Any]:
    """Figures on one held-out split: overall (+CI), per kind, per language, reliability."""
    from linkclf.splits import domain_groups

    out: dict[str, Any] = {"test": point_metrics(y, p, threshold)}
    groups = domain_groups(df).to_numpy()
    if ci:
        out["test_ci"] = bootstrap_ci(
            y, p, groups, threshold, n_boot=int(cfg.get("evaluation", {}).get("bootstrap", 200))
        )
        out["reliability"] = reliability(y, p)
        kinds = df["kind"].astype("string").fillna("")
        natural = y == 0
        per_kind = {}
        for kind in MANIPULATIVE_KINDS:
            mask = (kinds == kind).to_numpy() & (y == 1)
            if mask.sum() >= 5:
                both = mask | natural
                m = point_metrics(y[both], p[both], threshold, ks=())
                per_kind[kind] = {
                    "n": int(mask.sum()),
                    "roc_auc": m["roc_auc"],
                    "recall_at_threshold": m["recall_at_threshold"],
                }
        out["per_kind"] = per_kind
        per_lang = {}
        if "language" in df.columns:
            langs = df["language"].astype("string").fillna("?")
            for lang in sorted(langs.unique()):
                mask = (langs == lang).to_numpy()
                if mask.sum() >= 20:
                    m = point_metrics(y[mask], p[mask], threshold, ks=())
                    per_lang[lang] = {
                        k: m[k]
                        for k in (
                            "n",
                            "roc_auc",
                            "pr_auc",
                            "precision_at_threshold",
                            "recall_at_threshold",
                        )
                    }
        out["per_language"] = per_lang
    return out


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
    from linkclf.labelled import load_labelled
    from linkclf.model import LinkClassifier
    from linkclf.splits import grouped_three_way
    from linkclf.train import EMBEDDING_FAMILIES, fit_on_masks

    model = LinkClassifier.load(model_dir)
    meta = model.meta_
    cfg = meta.get("config") or {}
    data = load_labelled(data_paths)
    same_data = sorted(map(str, data_paths)) == sorted(meta.get("training", {}).get("data", []))
    split = meta.get("training", {}).get(
        "split", {"seed": 0, "valid_size": 0.15, "test_size": 0.15}
    )
    train_m, valid_m, test_m = grouped_three_way(
        data,
        valid_size=float(split["valid_size"]),
        test_size=float(split["test_size"]),
        seed=int(split["seed"]),
    )
    if not same_data:
        test_m = np.ones(len(data), bool)
    progress(
        f"scoring {int(test_m.sum()):,} held-out links ({'model test split' if same_data else 'all rows'})"
    )
    X = model.features.transform(data)
    y = data["label"].to_numpy(dtype=int)
    p = model.predict_proba(X[test_m])
    result: dict[str, Any] = {
        "model": str(model_dir),
        "data": list(map(str, data_paths)),
        "threshold": model.threshold_,
    }
    result.update(
        split_metrics(data[test_m], y[test_m], p, model.threshold_, cfg or {"evaluation": {}})
    )
    rules = rules_baseline(data[test_m])
    # The rules baseline flags at its own best F0.5 cut, chosen on the validation rows.
    from linkclf.model import choose_threshold

    rule_thr = choose_threshold(rules_baseline(data[valid_m]), y[valid_m]) if valid_m.any() else 0.5
    result["baseline_rules"] = point_metrics(y[test_m], rules, rule_thr)
    if same_data and cfg:
        ablated = fit_on_masks(
            model.features, X, data, train_m, valid_m, cfg, exclude=EMBEDDING_FAMILIES
        )
        result["baseline_no_embeddings"] = point_metrics(
            y[test_m], ablated.predict_proba(X[test_m]), ablated.threshold_
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
        (k.replace("ood_", "held out: "), v) for k, v in result.items() if k.startswith("ood_")
    ]
    short = {
        "roc_auc": "ROC-AUC",
        "pr_auc": "PR-AUC",
        "precision_at_threshold": "prec@thr",
        "recall_at_threshold": "recall@thr",
        "precision_at_100": "prec@100",
        "brier": "Brier",
        "n": "links",
    }
    head = f"{'':28}" + "".join(f"{short[c]:>13}" for c in cols)
    lines = [head]
    for name, m in rows:
        lines.append(
            f"{name:28}"
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
    if result.get("per_language"):
        lines.append(
            "per language:           "
            + ", ".join(
                f"{k} AUC {v['roc_auc']:.3f} PR-AUC {v['pr_auc']:.3f}"
                for k, v in result["per_language"].items()
            )
        )
    return "\n".join(lines)


def reliability_figure(result: dict[str, Any]) -> Any:
    """Reliability diagram of the model's test split (predicted vs observed rate per bin)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = result.get("reliability", [])
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot([r["mean_p"] for r in pts], [r["observed"] for r in pts], "o-", label="model")
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed manipulative rate")
    ax.set_title(f"Reliability (Brier {result['test']['brier']:.3f})")
    ax.legend()
    fig.tight_layout()
    return fig
