"""Charts as inline SVG, drawn here (no JavaScript, no chart library): a line of weekly
values and a row of bars. A withheld value (a group under the minimum size) is a gap in the line
and a hatched, empty bar: never a point or a height."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 180
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 14, 34
INK = "#1f4e79"
MUTED = "#8a8f98"


@dataclass(frozen=True)
class Point:
    """One week's value, or None when withheld."""

    week: str
    value: float | None


def _scale(points: Sequence[Point], low: float | None, high: float | None) -> tuple[float, float]:
    values = [p.value for p in points if p.value is not None]
    spread = (max(values) - min(values)) if values else 1.0
    pad = max(spread * 0.25, 0.5)
    lo = low if low is not None else min(values, default=0.0) - pad
    hi = high if high is not None else max(values, default=1.0) + pad
    if hi <= lo:
        hi = lo + 1.0
    return lo, hi


def _x(index: int, count: int) -> float:
    """The centre of slot ``index`` of ``count`` equal slots."""
    inner = WIDTH - _LEFT - _RIGHT
    return _LEFT + inner * (index + 0.5) / count


def _y(value: float, lo: float, hi: float) -> float:
    inner = HEIGHT - _TOP - _BOTTOM
    return _TOP + inner * (1 - (value - lo) / (hi - lo))


def _week_label(week: str) -> str:
    return "W" + week.split("-W")[-1] if "-W" in week else week


def _axis(lo: float, hi: float, fmt: str, points: Sequence[Point]) -> list[str]:
    parts = [
        f'<line x1="{_LEFT}" y1="{HEIGHT - _BOTTOM}" x2="{WIDTH - _RIGHT}" '
        f'y2="{HEIGHT - _BOTTOM}" stroke="{MUTED}" stroke-width="1"/>'
    ]
    for value in (lo, (lo + hi) / 2, hi):
        y = _y(value, lo, hi)
        parts.append(
            f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{WIDTH - _RIGHT}" y2="{y:.1f}" '
            f'stroke="#e3e6ea" stroke-width="1"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="{MUTED}">{escape(fmt.format(value))}</text>'
        )
    step = max(1, len(points) // 8)
    for index, point in enumerate(points):
        if index % step and index != len(points) - 1:
            continue
        x = _x(index, len(points))
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - _BOTTOM + 16}" text-anchor="middle" font-size="10" '
            f'fill="{MUTED}">{escape(_week_label(point.week))}</text>'
        )
    return parts


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    low: float | None = None,
    high: float | None = None,
    fmt: str = "{:.1f}",
) -> str:
    """A line through the shown weeks; a withheld week breaks the line and is marked below."""
    if not points:
        return ""
    lo, hi = _scale(points, low, high)
    parts = _axis(lo, hi, fmt, points)
    runs: list[list[str]] = [[]]
    for index, point in enumerate(points):
        x = _x(index, len(points))
        if point.value is None:
            runs.append([])
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - _BOTTOM - 4}" text-anchor="middle" '
                f'font-size="10" fill="{MUTED}">withheld</text>'
            )
            continue
        y = _y(point.value, lo, hi)
        runs[-1].append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INK}"/>')
    for run in runs:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{INK}" stroke-width="2"/>'
            )
    return _svg(title, parts)


def bar_chart(points: Sequence[Point], *, title: str, fmt: str = "{:.0f}") -> str:
    """One bar per week from zero; a withheld week is an outlined, empty slot."""
    if not points:
        return ""
    values = [p.value for p in points if p.value is not None]
    lo, hi = 0.0, max(max(values, default=1.0), 1.0)
    parts = _axis(lo, hi, fmt, points)
    slot = (WIDTH - _LEFT - _RIGHT) / max(len(points), 1)
    bar = max(4.0, slot * 0.6)
    base = HEIGHT - _BOTTOM
    for index, point in enumerate(points):
        left = _x(index, len(points)) - bar / 2
        if point.value is None:
            parts.append(
                f'<rect x="{left:.1f}" y="{base - 24}" width="{bar:.1f}" height="24" '
                f'fill="none" stroke="{MUTED}" stroke-dasharray="3 2"/>'
            )
            continue
        top = _y(point.value, lo, hi)
        parts.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{bar:.1f}" '
            f'height="{max(base - top, 0.5):.1f}" fill="{INK}"/>'
        )
    return _svg(title, parts)


def _svg(title: str, parts: list[str]) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )
