"""Minimum group sizes, the differencing guard, and quote rules."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from service.privacy.thresholds import Confidentiality, iso_week

RULES = Confidentiality(min_group=5, min_quote_group=10)


def test_small_group_is_suppressed_with_a_note() -> None:
    cells = {c.group: c for c in RULES.cells({"Finance": 12, "Legal": 3})}
    assert cells["Legal"].suppressed and cells["Legal"].count is None
    assert cells["Legal"].note == "fewer than 5 responses"
    assert cells["Finance"].count == 12


def test_complement_guard_hides_a_group_whose_rest_is_small() -> None:
    cells = {c.group: c for c in RULES.cells({"Finance": 20, "Legal": 2}, total=22)}
    assert cells["Legal"].suppressed and cells["Finance"].suppressed


def test_small_residual_forces_a_second_suppression() -> None:
    # 3 members have no department: Finance and Legal would reveal them by subtraction.
    cells = {c.group: c for c in RULES.cells({"Finance": 20, "Legal": 6}, total=29)}
    assert cells["Legal"].suppressed and not cells["Finance"].suppressed


def test_single_hidden_cell_is_protected_by_a_second() -> None:
    cells = {c.group: c for c in RULES.cells({"A": 30, "B": 12, "C": 2}, total=44)}
    hidden = [g for g, c in cells.items() if c.suppressed]
    assert "C" in hidden and len(hidden) >= 2


counts_strategy = st.dictionaries(
    st.sampled_from(["EA", "Office manager", "Receptionist", "Coordinator", "Team assistant"]),
    st.integers(min_value=0, max_value=40),
    min_size=1,
)


@settings(max_examples=300, deadline=None)
@given(
    counts=counts_strategy,
    extra=st.integers(min_value=0, max_value=10),
    minimum=st.integers(min_value=2, max_value=12),
)
def test_no_visible_cell_reveals_a_small_group(
    counts: dict[str, int], extra: int, minimum: int
) -> None:
    rules = Confidentiality(min_group=minimum, min_quote_group=minimum * 2)
    total = sum(counts.values()) + extra
    cells = rules.cells(counts, total=total)
    visible = [c for c in cells if not c.suppressed]
    hidden = [c for c in cells if c.suppressed]
    for cell in visible:
        assert cell.count is not None and cell.count >= minimum
        assert total - cell.count == 0 or total - cell.count >= minimum
    if hidden:
        residual = total - sum(counts.values())
        hidden_total = sum(counts[c.group] for c in hidden) + residual
        groups = len(hidden) + (residual > 0)
        assert groups >= 2 or len(cells) == 1 or hidden_total == 0 or hidden_total >= minimum
        # what subtraction from a published total reveals is never a small group
        residue = total - sum(c.count or 0 for c in visible)
        if total >= minimum:
            assert residue == 0 or residue >= minimum or all(counts[c.group] == 0 for c in hidden)


def test_quotes_are_shuffled_weekly_and_narrowing_ones_withheld() -> None:
    when = datetime(2026, 9, 9, 14, 33, 7)
    items = [(f"quote number {i}", when) for i in range(30)]
    items.append(("As the only EA in Legal I carry everything", when))
    quotes = RULES.quotes(items, seed=3)
    assert [q.text for q in quotes] != [t for t, _ in items[:30]]
    assert {q.week for q in quotes} == {"2026-W37"}
    assert all("only EA" not in q.text for q in quotes)
    flagged = RULES.quotes(items, seed=3, keep_flagged=True)
    assert [q.flagged for q in flagged].count(True) == 1


def test_segment_quotes_need_the_larger_minimum() -> None:
    items = [("fine", None)]
    assert RULES.quotes(items, segment_size=9) == []
    assert len(RULES.quotes(items, segment_size=10)) == 1


def test_iso_week_has_no_finer_time() -> None:
    assert iso_week(datetime(2026, 1, 1, 23, 59)) == "2026-W01"
    assert iso_week(None) == "unknown"


@given(part=st.integers(0, 40), rest=st.integers(0, 40))
def test_a_part_is_shown_only_when_it_and_its_rest_are_none_or_large(part: int, rest: int) -> None:
    shown = RULES.may_show_part(part, part + rest)
    assert shown == ((part == 0 or part >= 5) and (rest == 0 or rest >= 5))
    assert not RULES.may_show_part(6, 7)  # "6 of 7 are worried" singles out the seventh


def test_the_rules_read_both_minimums_from_the_settings() -> None:
    from service.config import Settings

    rules = Confidentiality.from_settings(
        Settings(environment="test", min_group_size=7, min_quote_group_size=12)
    )
    assert (rules.min_group, rules.min_quote_group) == (7, 12)
