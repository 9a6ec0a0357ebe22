"""What a digest says, per role, under the confidentiality rules (rendered from the database)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Engine

from service.config import Settings
from service.digest import service
from service.digest.content import DigestContent, build_content, period_label
from service.digest.render import Rendered
from service.privacy.thresholds import Confidentiality
from service.storage import db
from service.storage.repositories import communities
from tests.digest.conftest import (
    NARROWING_QUOTE,
    QUOTE,
    SECRET_QUOTE,
    add_themes,
    make_community,
    sample_community,
    theme,
)


def _preview(engine: Engine, settings: Settings, role: str = "facilitator") -> Rendered:
    with db.transaction(engine) as session:
        community = communities.get(session, "circle")
        return service.preview(session, community, role=role, settings=settings, period="2026-W41")


@pytest.fixture
def sample(engine: Engine) -> Engine:
    sample_community(engine)
    return engine


def _section(text: str, title: str) -> str:
    """The plain-text section under an upper-case heading, up to the next heading."""
    match = re.search(rf"^{title}\n(.*?)(?=^[A-Z][A-Z ]+$|\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no section {title!r} in:\n{text}"
    return match.group(1)


def test_themes_are_sorted_into_new_rising_and_fading(sample: Engine, settings: Settings) -> None:
    text = _preview(sample, settings).text
    assert "Calendar conflicts: 12 members, 18% of comments" in _section(text, "NEW THIS WEEK")
    rising = _section(text, "RISING")
    assert "Expense approvals: 9 members" in rising
    assert "* travel expense approvals" not in text  # the human-given name wins
    assert "Onboarding buddies" in _section(text, "FADING")
    assert "Old printer woes" not in text  # retired
    assert "1 steady" in text


def test_up_at_night_is_ranked_by_concern_score_with_reasons(
    sample: Engine, settings: Settings
) -> None:
    section = _section(_preview(sample, settings).text, "WHAT KEEPS MEMBERS UP AT NIGHT")
    ranked = re.findall(r"^(\d)\. ([^:]+):", section, re.MULTILINE)
    assert ranked == [
        ("1", "Parental leave cover"),
        ("2", "Calendar conflicts"),
        ("3", "Expense approvals"),
    ]
    assert "losing whole mornings to double bookings" in section
    assert "7 members worried; severe worries: 5" in section


def test_suppressed_theme_says_fewer_than_and_shows_no_figure(
    sample: Engine, settings: Settings
) -> None:
    rendered = _preview(sample, settings)
    assert "Parental leave cover: fewer than 5 responses" in rendered.text
    assert "2% of comments" not in rendered.text and "2% of comments" not in rendered.html
    assert "1. Parental leave cover: fewer than 5 responses\n" in rendered.text
    assert "2026-W38  fewer than 5 responses" in rendered.text  # a small week of a shown theme
    assert SECRET_QUOTE not in rendered.text and SECRET_QUOTE not in rendered.html


def test_no_bar_is_drawn_for_a_suppressed_figure(engine: Engine, settings: Settings) -> None:
    make_community(engine)
    add_themes(engine, [theme("Tiny group", trend="rising", respondents=3, weekly=[("W1", 3)])])
    rendered = _preview(engine, settings)
    # Its trend is a figure about fewer than 5 members too: it is listed under no trend.
    assert "Tiny group" not in rendered.text and "Tiny group" not in rendered.html
    assert "0 rising" in rendered.text
    assert "background-color:#d97706" not in rendered.html  # the rising colour: no bar at all


@pytest.mark.parametrize(
    ("role", "quoted"), [("facilitator", True), ("committee", True), ("viewer", False)]
)
def test_quotes_only_for_facilitators_and_committee(
    sample: Engine, settings: Settings, role: str, quoted: bool
) -> None:
    rendered = _preview(sample, settings, role)
    assert (QUOTE in rendered.text) is quoted
    assert (QUOTE in rendered.html) is quoted
    assert NARROWING_QUOTE not in rendered.text and NARROWING_QUOTE not in rendered.html
    assert f"as {role} of Admin Circle" in rendered.text


def test_open_suggestions_and_the_accepted_agenda(sample: Engine, settings: Settings) -> None:
    text = _preview(sample, settings).text
    awaiting = _section(text, "AWAITING THE COMMITTEE")
    assert "Workshop: defending your calendar (workshop)" in awaiting
    assert "- Scripts for saying no" in awaiting
    agenda = _section(text, "ACCEPTED AGENDA")
    assert re.search(r"\* \w{3} \d{1,2} \w+ \d{4}: Panel: expense tools that work", agenda)
    assert "spring retreat" not in text  # that session is past
    assert "Karaoke" not in text  # rejected


def test_satisfaction_and_participation_figures(sample: Engine, settings: Settings) -> None:
    section = _section(_preview(sample, settings).text, "PARTICIPATION AND SATISFACTION")
    assert "Satisfaction (average rating): 4.5 (2026-W41, 6 responses; +0.5 on 2026-W40)" in (
        section
    )
    assert "Members taking part in 2026-W41: 6 members" in section
    assert "2026-W39  fewer than 5 responses" in section  # three members that week


def test_links_to_the_dashboard(sample: Engine, settings: Settings) -> None:
    rendered = _preview(sample, settings)
    assert "Open the dashboard: http://127.0.0.1:8000/c/circle" in rendered.text
    assert 'href="http://127.0.0.1:8000/c/circle"' in rendered.html


def test_empty_community_explains_that_no_analysis_has_run(
    engine: Engine, settings: Settings
) -> None:
    make_community(engine)
    rendered = _preview(engine, settings)
    assert rendered.subject == "Admin Circle \u2014 PeerPulse week 41: no analysis yet"
    assert "No themes yet. PeerPulse has not analysed Admin Circle's responses" in rendered.text
    assert "No themes yet." in rendered.html
    assert "No ratings or attendance answers have been imported yet." in rendered.text
    assert "UP AT NIGHT" not in rendered.text


def test_html_is_escaped_and_self_contained(engine: Engine, settings: Settings) -> None:
    make_community(engine)
    add_themes(engine, [theme("<script>alert(1)</script> & co", trend="new", respondents=8)])
    rendered = _preview(engine, settings)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in rendered.html
    assert "<script" not in rendered.html
    assert "<img" not in rendered.html and "<link" not in rendered.html
    assert "<script>alert(1)</script> & co: 8 members" in rendered.text  # plain text is plain


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2026-W41", "Week 41, 5\u201311 October 2026"),
        ("2026-W40", "Week 40, 28 September\u20134 October 2026"),
        ("2026-W53", "Week 53, 28 December 2026\u20133 January 2027"),
    ],
)
def test_period_labels(period: str, label: str) -> None:
    assert period_label(period) == label


def _content_from_metrics(metrics: dict) -> DigestContent:
    return build_content(
        community_name="Admin Circle",
        slug="circle",
        period="2026-W41",
        role="facilitator",
        dashboard_url="http://x/c/circle",
        privacy=Confidentiality(min_group=5, min_quote_group=10),
        themes=[],
        awaiting=[],
        accepted=[],
        metrics=metrics,
        today=date(2026, 10, 5),
    )


def test_a_hidden_part_hides_its_complement() -> None:
    note = "fewer than 5 responses"
    row = {"week": "2026-W41", "active": 12, "first_time": 9, "returning": note, "lapsed": 0}
    participation = _content_from_metrics({"participation": [row]}).participation
    assert participation is not None
    assert participation.active.text == "12 members"
    assert participation.returning.text == note
    assert participation.first_time.text == note  # else 12 - 9 would reveal the hidden 3
    assert participation.lapsed.text == "0"


def test_nps_and_attendance_figures() -> None:
    def cell(week: str, n: int, value: float) -> dict:
        return {"week": week, "n": n, "value": value, "suppressed": False, "note": None}

    weekly = {
        "nps": [cell("2026-W40", 8, 10.0), cell("2026-W41", 9, 25.0)],
        "attendance": [cell("2026-W40", 8, 0.8), cell("2026-W41", 9, 0.75)],
    }
    measures = _content_from_metrics({"weekly": weekly}).measures
    assert [(m.label, m.value, m.change) for m in measures] == [
        ("Net Promoter Score", "+25", "+15 on 2026-W40"),
        ("Attendance", "75%", "-5 points on 2026-W40"),
    ]
    assert [m.responses.text for m in measures] == ["9 responses", "9 responses"]


def test_the_worry_count_of_an_analysis_reaches_the_digest() -> None:
    """Regression: the digest read ``worried_members`` while the analysis writes
    ``concerned_respondents``, so every worry count showed as suppressed."""
    from service.digest.content import _concerns
    from service.digest.schemas import ThemeRow

    theme = ThemeRow(
        label="Job security",
        keywords=("reorg",),
        respondents=14,
        concern={
            "rank": 1,
            "score": 3.2,
            "concerned_respondents": 6,
            "severe_respondents": None,
            "reason": "6 of 14 members voice worry about “Job security”.",
        },
    )
    small = ThemeRow(
        label="Printer",
        keywords=("printer",),
        respondents=7,
        concern={
            "rank": 2,
            "score": None,
            "suppressed": True,
            "concerned_respondents": None,
            "severe_respondents": None,
            "reason": "Some members voice worry about “Printer” (fewer than 5 responses)",
        },
    )
    items = _concerns(Confidentiality(min_group=5, min_quote_group=10), [small, theme])
    assert [i.name for i in items] == ["Job security", "Printer"]
    assert items[0].worried.value == 6 and items[0].worried.text == "6 members worried"
    assert items[1].worried.value is None and items[1].worried.text == "fewer than 5 responses"
