"""What the program value report says, per reader, under the confidentiality rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from service.config import Settings
from service.digest.schemas import ThemeRow
from service.privacy.thresholds import Confidentiality
from service.report.content import Period, build_report
from service.report.render import render_html
from service.storage import db
from service.storage.repositories import communities
from service.storage.tables import Question, SessionOutcome
from tests.digest.conftest import NARROWING_QUOTE, QUOTE, SECRET_QUOTE
from tests.factories import theme_row
from tests.report.conftest import PERIOD, report_of


def test_a_week_under_the_minimum_is_withheld_in_figures_and_charts(
    sample: Engine, settings: Settings
) -> None:
    report = report_of(sample, settings, role="facilitator")
    satisfaction = next(m for m in report.measures if m.key == "satisfaction")
    # 2026-W39 had three raters (under 5): no value, a gap in the line
    assert (satisfaction.weeks_shown, satisfaction.weeks_withheld) == (2, 1)
    assert (satisfaction.first, satisfaction.last) == ("4.0", "4.5")
    assert satisfaction.chart.count("<circle") == 2
    assert "withheld" in satisfaction.chart
    assert report.participation is not None
    assert report.participation.weeks_withheld == 1
    assert report.participation.peak == "6"


def test_viewer_copy_has_no_quotes_and_a_small_theme_is_not_named(
    sample: Engine, settings: Settings
) -> None:
    html = render_html(report_of(sample, settings, role="viewer"))
    assert "Calendar conflicts" in html
    assert QUOTE not in html
    assert "This copy carries no quotes" in html
    # "Parental leave cover" has fewer than 5 members: no figure, no quote, no reason
    assert SECRET_QUOTE not in html
    assert "Absences go uncovered" not in html
    assert "1 smaller theme(s) are not named" in html


def test_facilitator_copy_quotes_but_never_a_narrowing_quote(
    sample: Engine, settings: Settings
) -> None:
    report = report_of(sample, settings, role="facilitator")
    quoted = {t.name: t.quote for t in report.themes}
    assert quoted["Calendar conflicts"] == QUOTE
    html = render_html(report)
    assert QUOTE in html
    assert NARROWING_QUOTE not in html
    assert "Old printer woes" not in html  # retired


def test_worries_show_their_movement_and_never_name_a_small_theme(
    sample: Engine, settings: Settings
) -> None:
    worries = {w.name: w for w in report_of(sample, settings, role="viewer").worries}
    assert worries["Calendar conflicts"].worried == "7 members worried"
    assert worries["Expense approvals"].movement == "rising"
    assert "Parental leave cover" not in worries  # a theme under the minimum is never named


def test_you_said_we_did_appears_only_when_recorded(sample: Engine, settings: Settings) -> None:
    assert "You said, we did" not in render_html(report_of(sample, settings, role="viewer"))
    with db.transaction(sample, write=True) as session:
        session.add(
            SessionOutcome(
                community_id=communities.get(session, "circle").id,
                session_date=datetime(2026, 10, 8),
                said="Calendar conflicts",
                discussed="Scripts for declining meetings",
                action="Shared a template for calendar rules",
                author="facilitator",
            )
        )
    html = render_html(report_of(sample, settings, role="viewer"))
    assert "You said, we did" in html
    assert "Shared a template for calendar rules" in html


def test_sessions_held_are_those_accepted_inside_the_period(
    sample: Engine, settings: Settings
) -> None:
    today = datetime.now(UTC).date()
    report = report_of(
        sample, settings, role="viewer", period=Period(today - timedelta(days=60), today)
    )
    titles = [s.title for s in report.sessions]
    assert titles == ["Retrospective on the spring retreat"]  # the other is still to come


def test_a_worry_too_small_to_count_on_a_named_theme_is_withheld() -> None:
    themes = [
        ThemeRow(
            label="Rota swaps",
            respondents=9,
            weekly=(("2026-W40", 9),),
            concern={"suppressed": True, "rank": 1, "reason": "Two members dread the rota."},
        )
    ]
    report = build_report(
        community_name="Circle",
        slug="circle",
        period=PERIOD,
        role="facilitator",
        privacy=Confidentiality(min_group=5, min_quote_group=10),
        metrics={},
        themes=themes,
        generated=date(2026, 11, 2),
    )
    (worry,) = report.worries
    assert (worry.name, worry.worried, worry.movement, worry.reason) == (
        "Rota swaps",
        "fewer than 5 responses",
        "withheld",
        "",
    )
    assert report.participation is None
    assert report.measures == ()


def _question(engine: Engine, text: str) -> int:
    with db.transaction(engine, write=True) as session:
        community = communities.get(session, "circle")
        question = Question(
            community_id=community.id, text=text, text_hash=str(len(text)) * 64, kind="text"
        )
        session.add(question)
        session.flush()
        return question.id


def test_what_changed_comes_from_the_themes_of_value_and_impact_questions(
    sample: Engine, settings: Settings
) -> None:
    impact = _question(sample, "What changed in your work since the last session?")
    other = _question(sample, "Which room do you prefer?")
    with db.transaction(sample, write=True) as session:
        community_id = communities.get(session, "circle").id
        weekly = [{"week": "2026-W40", "count": 7}]
        session.add_all(
            [
                theme_row(
                    community_id,
                    "calendar rules",
                    name="Set calendar rules with my exec",
                    question_id=impact,
                    summary={"respondents": 7, "weekly": weekly, "quotes": [{"text": QUOTE}]},
                ),
                theme_row(
                    community_id,
                    "tiny",
                    question_id=impact,
                    summary={"respondents": 2, "suppressed": True},
                ),
                theme_row(
                    community_id,
                    "big room",
                    question_id=other,
                    summary={"respondents": 9, "weekly": weekly},
                ),
            ]
        )
    report = report_of(sample, settings, role="facilitator")
    (question,) = report.impact  # the room question is not about value or impact
    assert question.question == "What changed in your work since the last session?"
    assert [(t.name, t.members, t.quote) for t in question.themes] == [
        ("Set calendar rules with my exec", "7 members", QUOTE)
    ]
    assert question.withheld == 1
    html = render_html(report_of(sample, settings, role="viewer"))
    assert "What changed in members' work" in html
    assert "Set calendar rules with my exec" in html
    assert QUOTE not in html
    assert "big room" not in html


def test_without_such_a_question_the_section_is_left_out(
    sample: Engine, settings: Settings
) -> None:
    report = report_of(sample, settings, role="facilitator")
    assert report.impact == ()
    assert "What changed in members" not in render_html(report)
