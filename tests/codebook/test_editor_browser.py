"""The theme editor in a real browser (issue 19, item 5): rename inline, merge, split, move,
create from examples, undo; one flow by keyboard only, and the editor at 375 px."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select

from service.modelstore import ModelStore
from service.storage import db
from service.storage.tables import Answer, AnswerTheme, Theme, Unit
from tests.factories import SUBJECTS, answered, theme_row

SUBJECTS_USED = ("calendar", "expenses", "ai")
_round = itertools.count(1)


@dataclass(frozen=True)
class Editor:
    base: str
    token: str
    themes: dict[str, int]
    labels: dict[str, str]
    answers: dict[str, list[int]]
    engine: Engine


@pytest.fixture(scope="module")
def live_answers(live_server: dict[str, str], models: ModelStore) -> Iterator[Engine]:
    """The live server's database with one answer per sentence of three subjects."""
    engine = db.make_engine(f"sqlite:///{live_server['env_db']}")
    answered(engine, models.redactor, [t for s in SUBJECTS_USED for t in SUBJECTS[s]])
    yield engine
    engine.dispose()


@pytest.fixture
def editor(live_server: dict[str, str], live_answers: Engine) -> Editor:
    """Three fresh themes of six answers each (labels unique to the test)."""
    number = next(_round)
    with db.transaction(live_answers, write=True) as session:
        answers = list(session.scalars(select(Answer.id).order_by(Answer.id)))
        community_id = session.scalar(select(Answer.community_id))
        themes, labels, by_subject = {}, {}, {}
        for n, subject in enumerate(SUBJECTS_USED):
            label = f"{subject.title()} {number}"
            theme = theme_row(community_id, label, summary={"units": 6, "respondents": 6})
            session.add(theme)
            session.flush()
            mine = answers[6 * n : 6 * n + 6]
            session.add_all(
                AnswerTheme(community_id=community_id, answer_id=a, theme_id=theme.id, score=0.6)
                for a in mine
            )
            for unit in session.scalars(select(Unit).where(Unit.response_id.in_(mine))):
                unit.theme_id = theme.id
            themes[subject], labels[subject], by_subject[subject] = theme.id, label, mine
    return Editor(
        live_server["base"], live_server["token"], themes, labels, by_subject, live_answers
    )


def _open(page, editor: Editor, subject: str) -> None:  # noqa: ANN001 - Playwright page
    url = f"{editor.base}/c/circle/themes/{editor.themes[subject]}"
    page.goto(url)
    if "/signin" in page.url:
        page.get_by_label("Token").fill(editor.token)
        page.get_by_role("button", name="Sign in with token").click()
        page.wait_for_url(re.compile(r"/themes/\d+"))


def _status(editor: Editor, theme_id: int) -> str | None:
    with db.transaction(editor.engine) as session:
        theme = session.get(Theme, theme_id)
        return theme.status if theme is not None else None


def test_rename_inline_then_undo(page, editor: Editor) -> None:  # noqa: ANN001
    _open(page, editor, "calendar")
    page.get_by_label("Name", exact=True).fill("Calendar clashes")
    page.get_by_role("button", name="Rename").click()
    assert page.locator("h1").inner_text() == "Calendar clashes"
    assert "Renamed." in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Undo the last edit").click()
    assert page.locator("h1").inner_text() == editor.labels["calendar"]
    assert "Undone." in page.get_by_role("status").inner_text()


def test_merge_two_themes(page, editor: Editor) -> None:  # noqa: ANN001
    _open(page, editor, "calendar")
    page.get_by_label("Merge another theme into this one").select_option(label=editor.labels["ai"])
    page.get_by_label(re.compile("I confirm: the chosen theme joins")).check()
    page.get_by_role("button", name="Merge", exact=True).click()
    assert "Merged" in page.get_by_role("status").inner_text()
    assert _status(editor, editor.themes["ai"]) == "merged"
    assert page.locator("#answers tbody tr").count() == 12


def test_split_one_by_picking_answers(page, editor: Editor) -> None:  # noqa: ANN001
    _open(page, editor, "expenses")
    page.get_by_label("Pick answer 1").check()
    page.get_by_label("Pick answer 2").check()
    page.get_by_label("New theme's name").fill("Receipts rejected")
    page.get_by_role("button", name="Split off the ticked answers").click()
    page.wait_for_url(re.compile(r"done=split"))
    assert page.locator("h1").inner_text() == "Receipts rejected"
    assert page.locator("#answers tbody tr").count() == 2


def test_move_an_answer_to_another_theme(page, editor: Editor) -> None:  # noqa: ANN001
    _open(page, editor, "ai")
    first = page.locator("#answers tbody tr").first
    text = first.locator("td").nth(1).inner_text()
    first.get_by_label("Move answer 1 to").select_option(label=editor.labels["calendar"])
    first.get_by_role("button", name="Move answer 1").click()
    assert "Answer moved" in page.get_by_role("status").inner_text()
    assert text not in page.locator("#answers").inner_text()
    _open(page, editor, "calendar")
    assert text in page.locator("#answers").inner_text()


def test_create_a_theme_from_example_answers(page, editor: Editor) -> None:  # noqa: ANN001
    _open(page, editor, "ai")
    page.get_by_label("Pick answer 3").check()
    page.get_by_label("New theme's name").fill("Writing with AI")
    page.get_by_label("Its description (optional)").fill("Drafting emails and minutes")
    page.get_by_role("button", name="Create a theme from the ticked answers").click()
    page.wait_for_url(re.compile(r"done=create"))
    assert page.locator("h1").inner_text() == "Writing with AI"
    assert page.locator("#description").inner_text() == "Drafting emails and minutes"
    assert page.locator("#codebook-flag").inner_text() == "in the codebook"


def _tab_to(page, element_id: str, limit: int = 80) -> None:  # noqa: ANN001
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with Tab")


def test_keyboard_only_rename_describe_and_undo(page, editor: Editor) -> None:  # noqa: ANN001
    _open(page, editor, "expenses")
    _tab_to(page, "rename-name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Expense claims")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"done=rename"))
    assert page.locator("h1").inner_text() == "Expense claims"
    _tab_to(page, "describe-text")
    page.keyboard.type("Claims stuck in the new tool")
    page.keyboard.press("Tab")  # to "Save description"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"done=describe"))
    assert page.locator("#description").inner_text() == "Claims stuck in the new tool"
    page.keyboard.press("Tab")
    undo = page.get_by_role("button", name="Undo the last edit")
    undo.focus()  # the same as tabbing there; Enter presses it
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"done=undo"))
    assert page.locator("#description").count() == 0
    assert page.locator("h1").inner_text() == "Expense claims"


def test_the_editor_at_375_px(page, editor: Editor) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": 375, "height": 800})
    _open(page, editor, "calendar")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.get_by_label("Name", exact=True).fill("Diaries")
    page.get_by_role("button", name="Rename").click()
    assert page.locator("h1").inner_text() == "Diaries"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
