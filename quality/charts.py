"""Inline SVG charts for the scorecard, drawn by hand so the page opens offline.

Pure functions: data in, SVG text out (escaped), no scripts, no external assets.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777")


def line_chart(
    series: dict[str, list[float | None]],
    x_labels: list[str],
    *,
    width: int = 720,
    height: int = 240,
    y_max: float = 100.0,
    title: str = "",
) -> str:
    """Lines for each series over the same x positions (None leaves a gap); y from 0 to y_max."""
    left, right, top, bottom = 44, 150, 24, 36
    w, h = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else w / 2)

    def y(v: float) -> float:
        return top + h - (h * max(0.0, min(v, y_max)) / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 25, 50, 75, 100):
        ty = y(y_max * tick / 100)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + w}" y2="{ty:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#6b7280">{tick * y_max / 100:g}%</text>'
        )
    step = max(1, -(-n // 6))  # at most about six labels, so they never overlap
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 12}" font-size="10" text-anchor="middle" '
                f'fill="#6b7280">{escape(label)}</text>'
            )
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>'
            )
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>')
        ly = top + 14 * k + 8
        parts.append(
            f'<rect x="{left + w + 12}" y="{ly - 8}" width="10" height="10" fill="{color}"/>'
            f'<text x="{left + w + 26}" y="{ly + 1}" font-size="11" fill="#111827">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    items: list[tuple[str, float]], *, width: int = 520, bar_height: int = 20, title: str = ""
) -> str:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    label_w, pad = 220, 6
    height = max(1, len(items)) * (bar_height + pad) + pad
    top = max((v for _, v in items), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        by = pad + i * (bar_height + pad)
        bw = (width - label_w - 60) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{by + bar_height * 0.7:.1f}" font-size="11" '
            f'text-anchor="end" fill="#111827">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{by}" width="{bw:.1f}" height="{bar_height}" fill="#2563eb"/>'
            f'<text x="{label_w + bw + 4:.1f}" y="{by + bar_height * 0.7:.1f}" font-size="11" '
            f'fill="#374151">{value:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
