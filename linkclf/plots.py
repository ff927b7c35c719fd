"""Figures logged with a model: feature importance and the reliability diagram.

Built on ``matplotlib.figure.Figure`` directly (no pyplot): no backend is chosen and no global
figure state is touched, so importing or calling this never changes the user's matplotlib.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def importance_figure(importance: pd.Series, top: int = 25) -> Any:
    """Horizontal bars of the ``top`` features by gain (``LinkClassifier.feature_importance``)."""
    imp = importance.head(top)[::-1]
    fig = _figure(7, 7)
    ax = fig.add_subplot()
    ax.barh(list(imp.index), imp.to_numpy())
    ax.set_xlabel("gain")
    ax.set_title(f"Feature importance (top {top})")
    fig.tight_layout()
    return fig


def reliability_figure(result: dict[str, Any]) -> Any:
    """Reliability diagram of a test split (predicted vs observed rate per bin)."""
    pts = result.get("reliability", [])
    fig = _figure(5, 5)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    ax.plot([r["mean_p"] for r in pts], [r["observed"] for r in pts], "o-", label="model")
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed manipulative rate")
    ax.set_title(f"Reliability (Brier {result['test']['brier']:.3f})")
    ax.legend()
    fig.tight_layout()
    return fig
