"""How a weekly figure reads, wherever it is shown (digest, overview): one function each.

The overview used to cut figures down (``"%+d"`` of an NPS of 43.75 read +43, a response rate of
89.5 % read 89 %) while the digest rounded them (+44, 90 %): the same week read two numbers.
Both now call :func:`shown`, which rounds halves up (NPS of small groups often ends in .5).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PERCENTS = frozenset({"attendance", "response_rate"})


def rounded(value: float, places: int = 0) -> Decimal:
    """``value`` rounded half up to ``places`` decimals (never to even)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def shown(value: float, key: str, *, signed: bool = False) -> str:
    """A weekly figure as people read it: ``84%``, ``+44``, ``4.6`` (a change when ``signed``:
    ``+1 points``, ``+4``, ``+0.7``)."""
    if key in PERCENTS:
        points = rounded(value * 100)
        return f"{points:+}" + " points" if signed else f"{points}%"
    if key == "nps":
        return f"{rounded(value):+}"
    number = rounded(value, 1)
    return f"{number:+}" if signed else f"{number}"
