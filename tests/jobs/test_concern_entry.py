"""What a theme's worry entry may show: nothing about a group under the minimum."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.analysis.worry_ranking import concern_entry
from service.concerns.schemas import ThemeConcern
from service.privacy.thresholds import Confidentiality

PRIVACY = Confidentiality(min_group=5, min_quote_group=10)
BASE = ThemeConcern(
    theme_id=1,
    label="",
    score=3.0,
    units=40,
    respondents=20,
    concerned_respondents=8,
    severe_respondents=5,
    concern_share=0.4,
    mean_probability=0.4,
    intensity=2.5,
    severe_units=6,
    segments=3,
    trend=3,
    first_period="2026-W37",
    first_period_concerned=5,
    sentiment=-0.3,
    reason="",
)


def test_a_large_group_shows_its_figures_and_trend() -> None:
    entry = concern_entry(BASE, "Job security", PRIVACY, rank=1)
    assert entry["concerned_respondents"] == 8 and entry["score"] == 3.0
    assert entry["trend"] == "rising" and entry["concern_share"] == 0.4
    assert entry["reason"].startswith("8 of 20 members voice worry about “Job security”")
    assert "up from 5 in 2026-W37" in entry["reason"]


@pytest.mark.parametrize(
    ("change", "withheld"),
    [
        ({"concerned_respondents": 3}, "worried members under the minimum"),
        ({"respondents": 10}, "two members not worried, the rest of the group"),
    ],
    ids=["few-worried", "few-not-worried"],
)
def test_a_small_group_or_its_complement_withholds_everything(change: dict, withheld: str) -> None:
    """Regression: "6 of 7 voice worry" singled out one member; the score and the share of a
    withheld entry gave its count away."""
    entry = concern_entry(replace(BASE, **change), "Job security", PRIVACY, rank=2)
    assert entry["suppressed"], withheld
    for key in ("concerned_respondents", "score", "concern_share", "intensity", "trend"):
        assert entry[key] is None, key
    assert entry["rank"] == 2 and "fewer than 5 responses" in entry["reason"]


def test_a_small_first_week_hides_the_trend_and_few_severe_are_not_counted() -> None:
    entry = concern_entry(
        replace(BASE, first_period_concerned=2, trend=6, severe_respondents=4),
        "Job security",
        PRIVACY,
        rank=1,
    )
    assert entry["concerned_respondents"] == 8 and entry["trend"] is None
    assert entry["severe_respondents"] is None
    assert "up from" not in entry["reason"] and "severe" not in entry["reason"]
    assert "rising" not in entry["reason"]


def test_a_theme_with_unidentified_responses_counts_responses() -> None:
    entry = concern_entry(BASE, "Job security", PRIVACY, rank=1, noun="response")
    assert entry["reason"].startswith("8 of 20 responses voice worry about “Job security”")
    assert "members" not in entry["reason"]
    hidden = concern_entry(
        replace(BASE, concerned_respondents=3), "Job security", PRIVACY, rank=1, noun="response"
    )
    assert hidden["reason"].startswith("Some responses voice worry")
