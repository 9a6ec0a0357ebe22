"""Ranking, evidence sentences, quotes and invited segments on constructed themes."""

from __future__ import annotations

import re

from service.agenda.schemas import ChoiceAnswer
from service.agenda.service import suggest
from tests.agenda.builders import PRIVACY, Units, segments, theme, worry_and_size


def _titles(themes, units, **kwargs) -> list[str]:
    return [s.title for s in suggest(themes, units, privacy=PRIVACY, segments=segments(), **kwargs)]


def test_high_concern_and_rising_beats_big_and_steady() -> None:
    themes, units = worry_and_size()
    titles = _titles(themes, units)
    assert titles.index("Job security and the reorganisation") < titles.index(
        "Calendar conflicts and double bookings"
    )


def test_fading_theme_falls_below_smaller_steady_ones() -> None:
    themes, units = worry_and_size()
    titles = _titles(themes, units)
    # the fading theme has more members than any other, yet ranks below the steady calendar one
    assert titles.index("Expense system") > titles.index("Calendar conflicts and double bookings")
    # past its peak (20, 10, 4, 1 mentions): never a new topic, only a "follow up?" note
    top = suggest(themes, units, privacy=PRIVACY, segments=segments(), limit=2)
    assert [d.title for d in top if not d.why.startswith("Follow up?")] == [
        "Job security and the reorganisation",
        "Calendar conflicts and double bookings",
    ]
    assert top[-1].title == "Expense system" and top[-1].why.startswith("Follow up?")


def test_ranking_without_any_concern_data_still_works() -> None:
    themes, units = worry_and_size()
    for unit in units:
        unit["concern_level"] = None
    drafts = suggest(themes, units, privacy=PRIVACY, segments=segments())
    assert [d.title for d in drafts][0] == "Calendar conflicts and double bookings"
    assert all("worried" not in d.why for d in drafts)


def test_concern_summary_is_used_when_units_have_no_levels() -> None:
    themes, units = worry_and_size()
    for unit in units:
        unit["concern_level"] = None
    themes[0]["concern"] = {
        "worried_members": 10,
        "share_worried": 10 / 12,
        "severe": 6,
        "score": 5.0,
        "reason": "",
    }
    drafts = suggest(themes, units, privacy=PRIVACY, segments=segments())
    assert drafts[0].title == "Job security and the reorganisation"
    assert "10 of them sound worried" in drafts[0].why


def test_requests_feed_the_ranking() -> None:
    units = Units()
    units.add(1, range(1, 11), "Room booking for the offsite is chaos")
    units.add(2, range(11, 21), "Travel approvals take a week now")
    themes = [
        theme(1, "Offsite planning", respondents=10, keywords=("offsite", "venue")),
        theme(2, "Travel approvals", respondents=10, keywords=("travel", "approval")),
    ]
    assert _titles(themes, units.rows)[0] == "Offsite planning"  # tie broken by title
    answers = [
        ChoiceAnswer(
            r,
            "Which topics would you like to discuss at the next session?",
            ("Travel policy",),
            "2026-W41",
        )
        for r in range(1, 8)
    ]
    drafts = suggest(themes, units.rows, privacy=PRIVACY, segments=segments(), answers=answers)
    assert drafts[0].title == "Travel approvals"
    assert "7 members asked to discuss it" in drafts[0].why


def test_free_text_requests_count_for_their_theme() -> None:
    units = Units()
    units.add(1, range(1, 11), "Room booking for the offsite is chaos")
    units.add(2, range(11, 21), "Travel approvals take a week now")
    units.add(2, range(11, 14), "I'd love a session on the new travel approvals")
    themes = [
        theme(1, "Offsite planning", respondents=10),
        theme(2, "Travel approvals", respondents=10),
    ]
    drafts = suggest(themes, units.rows, privacy=PRIVACY, segments=segments())
    assert drafts[0].title == "Travel approvals"
    assert "some members asked to discuss it" in drafts[0].why  # 3 < min group: no number


def test_an_option_no_theme_covers_becomes_its_own_suggestion() -> None:
    units = Units().add(1, range(1, 11), "Room booking for the offsite is chaos")
    question = "Which topics would you like to discuss at the next session?"
    answers = [ChoiceAnswer(r, question, ("Career growth",), "2026-W41") for r in range(1, 7)]
    answers += [ChoiceAnswer(r, question, ("Wellbeing",), "2026-W41") for r in range(1, 3)]
    drafts = suggest(
        [theme(1, "Offsite planning", respondents=10)], units.rows, privacy=PRIVACY, answers=answers
    )
    request = next(d for d in drafts if d.title == "Career growth")
    assert request.theme_ids == [] and request.evidence["requests"] == ["Career growth"]
    assert request.why.startswith("6 members ticked")
    assert "Wellbeing" not in [d.title for d in drafts]  # 2 members: below the minimum group


def test_small_or_suppressed_themes_are_never_suggested() -> None:
    units = Units().add(1, range(1, 5), "Parking at the new office is impossible")
    units.add(2, range(5, 15), "Room booking for the offsite is chaos")
    themes = [
        theme(1, "Parking", respondents=4, suppressed=True),
        theme(2, "Offsite planning", respondents=10),
    ]
    assert _titles(themes, units.rows) == ["Offsite planning"]


def test_why_sentence_hides_counts_below_the_minimum_group() -> None:
    units = Units()
    units.add(1, range(1, 4), "I am scared the reorganisation will cut my role", level=3)
    units.add(1, range(4, 11), "The reorganisation announcement was on Monday", level=0)
    drafts = suggest(
        [theme(1, "Reorganisation", respondents=10, trend="rising", weeks=(1, 2, 3, 6))],
        units.rows,
        privacy=PRIVACY,
        segments=segments(),
    )
    why = drafts[0].why
    assert "some of them sound worried" in why
    assert not re.search(r"\b3 of them\b", why)
    assert why.startswith("10 members raised it (100% of the 10 who answered)")
    # the whole rise, not two single weeks (the sample's job security read "4 mentions in
    # 2026-W42, up from 2 in 2026-W37" for 2, 1, 0, 4, 10, 4)
    assert "rising: 9 mentions in the last 2 weeks, up from 3 in the 2 weeks before" in why


def test_quotes_belong_to_their_theme_and_narrowing_ones_are_withheld() -> None:
    units = Units()
    units.add(1, range(1, 11), "Keeping three executive calendars in sync is a fight")
    units.add(1, [11], "As the only EA in Legal I get every double booking")
    units.add(2, range(20, 30), "The expense system rejects receipts every single time")
    themes = [
        theme(
            1,
            "Calendar conflicts",
            respondents=11,
            quotes=("Text that is not a unit of this theme at all",),
        ),
        theme(2, "Expense system", respondents=10),
    ]
    drafts = suggest(themes, units.rows, privacy=PRIVACY, segments=segments())
    own = {u["theme_id"]: set() for u in units.rows}
    for unit in units.rows:
        own[unit["theme_id"]].add(unit["text"])
    for draft in drafts:
        assert 2 <= len(draft.quotes) <= 3
        assert all(q["text"] in own[draft.theme_ids[0]] for q in draft.quotes)
        assert not any("only EA" in q["text"] for q in draft.quotes)


def test_case_study_puts_a_solution_statement_first() -> None:
    units = Units()
    units.add(1, range(1, 8), "Copilot drafts my meeting minutes now", level=0)
    units.add(1, range(8, 11), "I started using Copilot for minutes and it saves me an hour")
    drafts = suggest([theme(1, "AI assistants", respondents=10)], units.rows, privacy=PRIVACY)
    assert drafts[0].format == "case_study"
    assert drafts[0].quotes[0]["text"].startswith("I started using Copilot")


def test_segments_that_raise_a_theme_most_are_invited() -> None:
    roles = {
        r: {"role": "Office Manager" if r <= 20 else "Executive Assistant"} for r in range(1, 41)
    }
    units = Units()
    units.add(1, range(1, 13), "Desk booking in the hybrid office is a mess")  # 12 of 20 OMs
    units.add(1, range(21, 26), "Desk booking in the hybrid office is a mess")  # 5 of 20 EAs
    units.add(2, range(1, 41), "Room booking for the offsite is chaos")
    themes = [theme(1, "Desk booking", respondents=17), theme(2, "Offsite", respondents=40)]
    drafts = suggest(themes, units.rows, privacy=PRIVACY, segments=roles)
    desk = next(d for d in drafts if d.title == "Desk booking")
    assert desk.segments[0]["group"] == "Office Manager"
    assert "60% of them" in desk.segments[0]["reason"]
    assert all(s["group"] != "Executive Assistant" for s in desk.segments)


def test_a_steady_label_with_a_collapsing_series_gets_a_soft_penalty() -> None:
    units = Units()
    units.add(1, range(1, 21), "Room booking for the offsite is chaos")
    units.add(2, range(21, 41), "Expense claims bounce back every week")
    themes = [
        theme(1, "Offsite planning", respondents=20, weeks=(5, 5, 5, 5)),
        theme(2, "Expense claims", respondents=20, weeks=(12, 12, 7, 6)),
    ]
    drafts = suggest(themes, units.rows, privacy=PRIVACY)
    assert [d.title for d in drafts] == ["Offsite planning", "Expense claims"]
    assert drafts[1].evidence["momentum"] < 1.0
    assert "fewer mentions lately (13 in the last 2 weeks, 24 in the 2 weeks before)" in (
        drafts[1].why
    )
    assert drafts[0].evidence["momentum"] == 1.0 and "steady over 4 weeks" in drafts[0].why


def test_a_topic_that_faded_weeks_ago_is_a_follow_up_note_not_a_new_topic() -> None:
    # the offsite peaked three weeks ago and is over; a smaller steady theme is a new topic
    units = Units()
    units.add(1, range(1, 31), "Room booking for the offsite is chaos")
    units.add(2, range(31, 41), "Desk booking on anchor days is a lottery")
    themes = [
        theme(1, "Offsite planning", respondents=30, weeks=(6, 14, 4, 1, 0)),
        theme(2, "Desk booking", respondents=10, weeks=(2, 2, 3, 2, 3)),
    ]
    drafts = suggest(themes, units.rows, privacy=PRIVACY, limit=1)
    assert [d.title for d in drafts] == ["Desk booking", "Offsite planning"]
    note = drafts[1]
    assert note.why.startswith("Follow up?") and "peaked at 14 in 2026-W39" in note.why
    assert note.evidence["follow_up"] == {"peak_week": "2026-W39", "peak": 14, "recent": 1}
    assert note.evidence["priority"] < drafts[0].evidence["priority"]


def test_rising_worry_comes_first_even_when_smaller() -> None:
    units = Units()
    units.add(1, range(1, 7), "I am scared the restructure will cut my role", level=3)
    units.add(2, range(7, 107), "Calendar invites clash every single week", level=0)
    themes = [
        theme(1, "Restructure", respondents=6, trend="rising", weeks=(0, 1, 2, 3)),
        theme(2, "Calendar clashes", respondents=100, weeks=(25, 25, 25, 25)),
    ]
    drafts = suggest(themes, units.rows, privacy=PRIVACY)
    assert [d.title for d in drafts] == ["Restructure", "Calendar clashes"]
    assert drafts[0].score < drafts[1].score  # first by priority, not by size


def test_a_stray_representative_quote_is_replaced_by_an_on_topic_one() -> None:
    units = Units()
    units.add(1, range(1, 11), "Desk booking in the hybrid office is a mess")
    units.add(1, [11], "I made an onboarding checklist for new executives")
    stray = units.rows[-1]["text"]
    drafts = suggest(
        [
            theme(
                1,
                "Desk booking",
                respondents=11,
                keywords=("desk", "hybrid office"),
                quotes=(stray,),
            )
        ],
        units.rows,
        privacy=PRIVACY,
    )
    texts = [q["text"] for q in drafts[0].quotes]
    assert stray not in texts and len(texts) == 3
    assert all("Desk booking" in t for t in texts)


def test_a_divergence_gives_breakouts_an_angle_and_both_groups_to_invite() -> None:
    roles = {
        r: {"role": "Executive Assistant" if r <= 8 else "Office Manager"} for r in range(1, 17)
    }
    units = Units()
    units.add(
        1,
        range(1, 9),
        "Nobody sees the strategic work I do for my executive",
        level=1,
        sentiment=-0.7,
    )
    units.add(
        1, range(9, 17), "My career conversation with my director went well", level=1, sentiment=0.6
    )
    drafts = suggest(
        [theme(1, "Career growth", respondents=16, keywords=("career", "growth"))],
        units.rows,
        privacy=PRIVACY,
        segments=roles,
    )
    draft = drafts[0]
    assert draft.format == "breakouts"
    assert draft.format_reason.startswith(
        "Executive Assistants and Office Managers see this differently (Executive Assistants "
        "sound more negative): start in small groups"
    )
    assert draft.evidence["angle_kinds"][-1] == "divergence"
    assert any("roles" in a or "Office Managers" in a for a in draft.angles[-1:])
    assert {s["group"] for s in draft.segments} == {"Executive Assistant", "Office Manager"}
    assert draft.evidence["divergences"][0]["measure"] == "sentiment"


def test_only_the_two_strongest_rising_worries_jump_the_queue() -> None:
    # one worry split in three parts must not push a much larger theme out of the top
    units = Units()
    for part in (1, 2, 3):
        units.add(
            part, range(part * 10, part * 10 + 6), f"Scared of the restructure {part}", level=3
        )
    units.add(4, range(100, 160), "Calendar invites clash every single week", level=0)
    themes = [
        theme(part, f"Restructure part {part}", respondents=6, trend="rising", weeks=(0, 1, 2, 3))
        for part in (1, 2, 3)
    ]
    themes.append(theme(4, "Calendar clashes", respondents=60, weeks=(15, 15, 15, 15)))
    drafts = suggest(themes, units.rows, privacy=PRIVACY)
    assert [d.title for d in drafts][2] == "Calendar clashes"
    assert [d.evidence["priority"] for d in drafts] == [2, 2, 1, 1]


def test_a_rise_over_a_shorter_window_is_not_called_up_from_a_larger_count() -> None:
    """The sample's "Role and risk" (6, 0, 5 in the last weeks) read "5 mentions in the last 2
    weeks, up from 6 in the 4 weeks before"."""
    units = Units()
    units.add(1, range(1, 11), "My role is at risk in the restructure", level=2)
    drafts = suggest(
        [theme(1, "Role and risk", respondents=10, trend="rising", weeks=(0, 0, 0, 6, 0, 5))],
        units.rows,
        privacy=PRIVACY,
        segments=segments(),
    )
    why = drafts[0].why
    assert "rising: 5 mentions in the last 2 weeks, against 6 in the 4 weeks before" in why
    assert "up from" not in why
