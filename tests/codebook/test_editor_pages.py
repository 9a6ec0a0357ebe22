"""The theme editor's forms and the codebook page, as a browser without JS posts them."""

from __future__ import annotations

from sqlalchemy import select

from service.auth.roles import Role
from service.storage import db
from service.storage.tables import AuditEntry, Unit
from tests.codebook.conftest import LABELS, Shaped
from tests.web.test_pages import ORIGIN, sign_in


def _post(shaped: Shaped, path: str, data: dict) -> object:
    return shaped.client.post(path, data=data, headers=ORIGIN, follow_redirects=False)


def test_viewer_sees_no_editor_and_cannot_post(shaped: Shaped) -> None:
    sign_in(shaped.client, Role.VIEWER)
    theme = shaped.themes["calendar"]
    page = shaped.client.get(f"/c/circle/themes/{theme}").text
    assert "Shape this theme" not in page and "Split off" not in page
    refused = _post(shaped, f"/c/circle/themes/{theme}/rename", {"name": "x"})
    assert refused.status_code == 403


def test_rename_through_the_form_is_the_api_s_action(shaped: Shaped) -> None:
    sign_in(shaped.client, Role.COMMITTEE)
    theme = shaped.themes["calendar"]
    page = shaped.client.get(f"/c/circle/themes/{theme}").text
    assert 'id="rename-name"' in page and LABELS["calendar"] in page
    done = _post(shaped, f"/c/circle/themes/{theme}/rename", {"name": "Calendar clashes"})
    assert done.status_code == 303
    page = shaped.client.get(done.headers["location"]).text
    assert "<h1>Calendar clashes</h1>" in page and "Renamed." in page
    assert "in the codebook" in page
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions == ["theme.rename"]


def test_split_create_move_and_undo_through_forms(shaped: Shaped) -> None:
    sign_in(shaped.client, Role.COMMITTEE)
    theme = shaped.themes["expenses"]
    picked = shaped.answers["expenses"][:2]
    split = _post(
        shaped,
        f"/c/circle/themes/{theme}/pick",
        {"action": "split", "name": "Receipts", "answer_ids": [str(a) for a in picked]},
    )
    assert split.status_code == 303, split.text
    new = int(split.headers["location"].split("/themes/")[1].split("?")[0])
    assert new != theme
    answer = shaped.answers["expenses"][3]
    moved = _post(
        shaped, f"/c/circle/themes/{theme}/move", {"answer_id": answer, "to_theme_id": str(new)}
    )
    assert moved.status_code == 303
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        in_new = set(session.scalars(select(Unit.response_id).where(Unit.theme_id == new)))
    assert in_new == {*picked, answer}
    _post(shaped, f"/c/circle/themes/{new}/undo", {})  # the move
    back = _post(shaped, f"/c/circle/themes/{new}/undo", {})  # the split: the theme is gone
    assert back.headers["location"] == "/c/circle/codebook?done=undo"
    created = _post(
        shaped,
        f"/c/circle/themes/{theme}/pick",
        {"action": "create", "name": "Month end", "answer_ids": [str(picked[0])]},
    )
    page = shaped.client.get(created.headers["location"]).text
    assert "<h1>Month end</h1>" in page and "Created from the picked answers" in page


def test_codebook_page_adopts_merges_and_ignores_candidates(shaped: Shaped) -> None:
    sign_in(shaped.client, Role.COMMITTEE)
    calendar, ai, expenses = (shaped.themes[s] for s in ("calendar", "ai", "expenses"))
    _post(shaped, f"/c/circle/themes/{calendar}/rename", {"name": "Calendars"})
    page = shaped.client.get("/c/circle/codebook").text
    assert f'id="candidate-{ai}"' in page and f'id="candidate-{expenses}"' in page
    merged = _post(shaped, "/c/circle/codebook/merge", {"into": calendar, "other": ai})
    assert merged.status_code == 303
    _post(shaped, f"/c/circle/themes/{expenses}/decision", {"decision": "ignore"})
    page = shaped.client.get("/c/circle/codebook").text
    assert "Nothing new" in page and "Calendars" in page
