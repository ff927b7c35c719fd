"""Small inline SVG charts: no JavaScript, no external fonts or images.

Only numbers computed here and labels passed through :func:`html.escape` reach the markup, so a
chart cannot carry a payload from an anchor text or a URL.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

#: Colours: natural links grey-blue, flagged links red (readable in print and for most
#: colour-blind readers because the two also differ in lightness).
NATURAL = "#7a9cc6"
FLAGGED = "#c0392b"
INK = "#333333"
GRID = "#dddddd"

_FONT = 'font-family="sans-serif" font-size="11"'


def _num(value: float) -> str:
    """A coordinate with two decimals: short markup, no scientific notation."""
    return f"{value:.2f}"


def _ticks(top: float, n: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = max(top / n, 1.0)  # counts: never a fractional step
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def stacked_bars(
    labels: Sequence[str],
    natural: Sequence[float],
    flagged: Sequence[float],
    *,
    title: str,
    width: int = 860,
    height: int = 260,
    label_every: int = 1,
    marks: Sequence[bool] | None = None,
    threshold_at: float | None = None,
) -> str:
    """Vertical bars, flagged stacked on natural, one per label.

    Parameters
    ----------
    labels : one x label per bar (escaped here).
    natural, flagged : bar heights.
    title : the chart's accessible title (escaped here).
    label_every : print every n-th x label (long timelines).
    marks : bars to mark with a triangle above them (bursts).
    threshold_at : x position (0..1 of the plot width) of a dashed vertical line.
    """
    n = len(labels)
    left, right, top, bottom = 48.0, 12.0, 14.0, 42.0
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [a + b for a, b in zip(natural, flagged, strict=True)]
    ticks = _ticks(max(totals, default=0.0))
    y_max = ticks[-1] or 1.0
    bar_w = plot_w / max(n, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, quote=True)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = top + plot_h * (1 - tick / y_max)
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(width - right)}" y2="{_num(y)}" '
            f'stroke="{GRID}"/>'
            f'<text x="{_num(left - 4)}" y="{_num(y + 4)}" text-anchor="end" {_FONT} '
            f'fill="{INK}">{tick:,.0f}</text>'
        )
    for i in range(n):
        x = left + i * bar_w
        h_nat = plot_h * natural[i] / y_max
        h_flag = plot_h * flagged[i] / y_max
        gap = min(1.0, bar_w * 0.1)
        y_nat = top + plot_h - h_nat
        parts.append(
            f'<rect x="{_num(x + gap)}" y="{_num(y_nat)}" width="{_num(bar_w - 2 * gap)}" '
            f'height="{_num(h_nat)}" fill="{NATURAL}"/>'
        )
        if h_flag > 0:
            parts.append(
                f'<rect x="{_num(x + gap)}" y="{_num(y_nat - h_flag)}" '
                f'width="{_num(bar_w - 2 * gap)}" height="{_num(h_flag)}" fill="{FLAGGED}"/>'
            )
        if marks is not None and marks[i]:
            peak = y_nat - h_flag - 3
            cx = x + bar_w / 2
            parts.append(
                f'<polygon points="{_num(cx - 4)},{_num(peak - 7)} {_num(cx + 4)},'
                f'{_num(peak - 7)} {_num(cx)},{_num(peak)}" fill="{INK}"/>'
            )
        if i % max(label_every, 1) == 0:
            parts.append(
                f'<text x="{_num(x + bar_w / 2)}" y="{_num(top + plot_h + 14)}" '
                f'text-anchor="middle" {_FONT} fill="{INK}">{escape(labels[i])}</text>'
            )
    if threshold_at is not None:
        x = left + plot_w * threshold_at
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(top)}" x2="{_num(x)}" y2="{_num(top + plot_h)}" '
            f'stroke="{INK}" stroke-dasharray="4 3"/>'
            f'<text x="{_num(x + 3)}" y="{_num(top + 10)}" {_FONT} fill="{INK}">threshold</text>'
        )
    parts.append(
        f'<line x1="{_num(left)}" y1="{_num(top + plot_h)}" x2="{_num(width - right)}" '
        f'y2="{_num(top + plot_h)}" stroke="{INK}"/>'
    )
    parts.append(_legend(left, height - 12))
    parts.append("</svg>")
    return "".join(parts)


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    width: int = 520,
    bar_height: int = 20,
    highlight: Sequence[bool] | None = None,
) -> str:
    """Horizontal bars with a count at the end of each (anchor types, kinds)."""
    left, right = 130.0, 70.0
    height = max(len(labels), 1) * bar_height + 8
    v_max = max(values, default=0.0) or 1.0
    total = sum(values) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, quote=True)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 4 + i * bar_height
        w = (width - left - right) * value / v_max
        colour = FLAGGED if highlight is not None and highlight[i] else NATURAL
        parts.append(
            f'<text x="{_num(left - 6)}" y="{_num(y + bar_height * 0.7)}" text-anchor="end" '
            f'{_FONT} fill="{INK}">{escape(label)}</text>'
            f'<rect x="{_num(left)}" y="{_num(y + 2)}" width="{_num(w)}" '
            f'height="{_num(bar_height - 4)}" fill="{colour}"/>'
            f'<text x="{_num(left + w + 4)}" y="{_num(y + bar_height * 0.7)}" {_FONT} '
            f'fill="{INK}">{value:,.0f} ({value / total:.0%})</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(x: float, y: float) -> str:
    return (
        f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" fill="{NATURAL}"/>'
        f'<text x="{_num(x + 14)}" y="{_num(y)}" {_FONT} fill="{INK}">not flagged</text>'
        f'<rect x="{_num(x + 100)}" y="{_num(y - 9)}" width="10" height="10" fill="{FLAGGED}"/>'
        f'<text x="{_num(x + 114)}" y="{_num(y)}" {_FONT} fill="{INK}">flagged</text>'
    )
