"""The model card: README.md of a model directory (data, intended use, limits, figures)."""

from __future__ import annotations

import json
from typing import Any


def model_card(meta: dict[str, Any], metrics: dict[str, Any]) -> str:
    """The model card (README.md of the model directory): data, intended use, limits, figures."""
    test = metrics.get("test", {})
    ci = metrics.get("test_ci", {})
    lines = [
        f"# linkclf model `{meta['name']}`",
        "",
        "Scores backlinks: calibrated probability that a link is manipulative (paid, PBN, guest-post",
        "campaign, exchange, directory, comment spam, sitewide, injected), the likely kind, and reasons.",
        "",
        "## Data",
        f"- training data: {', '.join(meta['data'])} ({meta['n_rows']:,} links, "
        f"{meta['n_domains']:,} referring domains)",
        "- split: grouped by referring domain (no domain on both sides), "
        f"seed {meta['split']['seed']}, valid {meta['split']['valid_size']}, test {meta['split']['test_size']}",
        f"- embedder: `{meta['embedder']}`; {meta['n_features']} features",
        "",
        "## Intended use and limits",
        "- Ranks links for a human audit and proposes disavow *candidates*. Google ignores most link spam",
        "  on its own; disavow is for manual actions and clear link schemes.",
        "- The default model is trained on simulated link profiles (datasets/README.md): its figures say",
        "  how well it learns the documented footprints, not how it does on every real profile.",
        "  Retrain on your own audit decisions (`linkclf train --data decisions.csv`).",
        "",
        "## Held-out figures (test split, grouped by referring domain)",
        "",
        "| metric | value | 95% CI (bootstrap over domains) |",
        "|---|---|---|",
    ]
    for key in ("roc_auc", "pr_auc", "precision_at_threshold", "recall_at_threshold", "brier"):
        if key in test:
            lo, hi = ci.get(key, (float("nan"), float("nan")))
            lines.append(f"| {key} | {test[key]:.3f} | {lo:.3f} - {hi:.3f} |")
    lines += [
        "",
        f"Threshold {meta['threshold']:.3f} ({meta['threshold_rule']}).",
        "",
        "Calibration: isotonic on the validation split, made strictly increasing (linear between",
        "the isotonic blocks' centres, ties broken by the raw score with weight 1e-4), so no two",
        "different raw scores share a probability and no group of links sits exactly on the",
        "threshold.",
        "",
        "Flags: a link is a disavow candidate when its probability reaches the threshold and it is",
        "not nofollow, ugc or sponsored (those pass no ranking signal; their probability and",
        "predicted kind are still reported).",
        "",
    ]
    other = {k: v for k, v in metrics.items() if k.startswith(("ablation", "ood"))}
    if other:
        lines += [
            "## Ablation and out-of-distribution",
            "",
            "| split | ROC-AUC | PR-AUC | precision@thr | n |",
            "|---|---|---|---|---|",
        ]
        for name, m in other.items():
            lines.append(
                f"| {name} | {m.get('roc_auc', float('nan')):.3f} | {m.get('pr_auc', float('nan')):.3f} "
                f"| {m.get('precision_at_threshold', float('nan')):.3f} | {int(m.get('n', 0)):,} |"
            )
        lines.append("")
    lines += ["## Versions", "", "```", json.dumps(meta.get("versions", {}), indent=2), "```", ""]
    return "\n".join(lines)
