"""Plain builders of themes, units and segments for the agenda tests."""

from __future__ import annotations

from typing import Any

from service.privacy.thresholds import Confidentiality

PRIVACY = Confidentiality(min_group=5, min_quote_group=10)
ROLES = ("Executive Assistant", "Office Manager", "Administrative Assistant")


def theme(
    theme_id: int,
    label: str,
    *,
    respondents: int,
    units: int | None = None,
    trend: str = "steady",
    keywords: tuple[str, ...] = (),
    quotes: tuple[str, ...] = (),
    concern: dict[str, Any] | None = None,
    weeks: tuple[int, ...] = (4, 4, 4, 4),
    suppressed: bool = False,
) -> dict[str, Any]:
    """A theme dict as the analysis job passes it."""
    return {
        "id": theme_id,
        "label": label,
        "keywords": list(keywords or label.lower().split()),
        "units": units if units is not None else respondents * 2,
        "respondents": None if suppressed else respondents,
        "share": 0.1,
        "trend": trend,
        "weekly": [
            {"week": f"2026-W{38 + i}", "count": None if suppressed else c}
            for i, c in enumerate(weeks)
        ],
        "quotes": [{"text": q, "week": "2026-W41"} for q in quotes],
        "suppressed": suppressed,
        "concern": concern,
    }


class Units:
    """Accumulates unit dicts with increasing ids."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        theme_id: int | None,
        respondents: range | list[int],
        text: str,
        *,
        level: int | None = None,
        sentiment: float | None = None,
        week: str = "2026-W41",
    ) -> Units:
        """One unit per respondent, with the same text (numbered so texts stay distinct)."""
        for respondent in respondents:
            self.rows.append(
                {
                    "id": len(self.rows) + 1,
                    "text": f"{text} ({respondent})",
                    "theme_id": theme_id,
                    "respondent_id": respondent,
                    "week": week,
                    "concern_level": level,
                    "sentiment": sentiment,
                }
            )
        return self


def segments(count: int = 60) -> dict[int, dict[str, str | None]]:
    """Respondents 1..count in three roles, round robin."""
    return {
        r: {"role": ROLES[r % 3], "level": None, "experience": None, "function": None}
        for r in range(1, count + 1)
    }


def worry_and_size() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Four themes: a worried rising one, a big steady calm one, a big fading one, a small one."""
    units = Units()
    units.add(1, range(1, 13), "I am scared the reorganisation will cut my role", level=3)
    units.add(2, range(1, 31), "My calendar is double booked again by two executives", level=1)
    units.add(3, range(20, 52), "The new expense system rejects every receipt I upload", level=1)
    units.add(4, range(40, 48), "Copilot drafts my meeting minutes now", level=0)
    themes = [
        theme(
            1,
            "Job security and the reorganisation",
            respondents=12,
            trend="rising",
            keywords=("reorganisation", "role", "job security"),
        ),
        theme(
            2,
            "Calendar conflicts and double bookings",
            respondents=30,
            trend="steady",
            keywords=("calendar", "double booking", "executive"),
        ),
        theme(
            3,
            "Expense system",
            respondents=32,
            trend="fading",
            keywords=("expense", "receipt", "system"),
            weeks=(20, 10, 4, 1),
        ),
        theme(4, "AI assistants", respondents=8, keywords=("copilot", "meeting minute")),
    ]
    return themes, units.rows
