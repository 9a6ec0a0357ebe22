"""The theme editor through the API (issue 19, item 1): each edit, its audit and undo, and a
rename shown everywhere the theme is named."""

from __future__ import annotations

from sqlalchemy import select

from service.agenda.phrasing import theme_title
from service.storage import db
from service.storage.tables import AnswerPin, AuditEntry, Suggestion, Theme, Unit
from tests.codebook.conftest import LABELS, Shaped

BASE = "/api/v1/communities/circle"


def _theme(shaped: Shaped, theme_id: int) -> dict:
    response = shaped.client.get(f"{BASE}/themes/{theme_id}", headers=shaped.committee)
    assert response.status_code == 200, response.text
    return response.json()


def _units(shaped: Shaped, theme_id: int) -> set[int]:
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        return set(session.scalars(select(Unit.response_id).where(Unit.theme_id == theme_id)))


def test_rename_reaches_worry_reason_goals_and_digest(shaped: Shaped) -> None:
    calendar = shaped.themes["calendar"]
    new = "Calendar clashes between executives"
    response = shaped.client.patch(
        f"{BASE}/themes/{calendar}", json={"name": new}, headers=shaped.committee
    )
    assert response.status_code == 200
    assert response.json()["label"] == new
    assert response.json()["codebook"] == "code"

    concerns = shaped.client.get(f"{BASE}/concerns", headers=shaped.viewer).json()
    assert concerns[0]["label"] == new
    assert f"\u201c{new}\u201d" in concerns[0]["reason"]
    assert LABELS["calendar"] not in concerns[0]["reason"]

    gaps = shaped.client.get(f"{BASE}/goals/gaps", headers=shaped.viewer).json()
    uncovered = gaps["uncovered_themes"][0]
    assert uncovered["label"] == new and new in uncovered["reason"]
    goals = shaped.client.get(f"{BASE}/goals", headers=shaped.viewer).json()
    alignment = goals[0]["alignment"]
    assert alignment["themes"][0]["label"] == new
    assert new in alignment["reason"] and LABELS["calendar"] not in alignment["reason"]

    digest = shaped.client.get(f"{BASE}/digest/preview", headers=shaped.facilitator).json()
    assert new in digest["text"], digest["text"]
    assert LABELS["calendar"] not in digest["text"]

    page = shaped.client.get("/c/circle/goals", cookies=_cookie(shaped)).text
    assert new in page and LABELS["calendar"] not in page

    export = shaped.client.get(f"{BASE}/answers.csv", headers=shaped.facilitator).text
    assert new in export and LABELS["calendar"] not in export


def _cookie(shaped: Shaped) -> dict[str, str]:
    token = shaped.committee["Authorization"].split(" ", 1)[1]
    return {"peerpulse_session": token}


def test_describe_then_history_shows_who_when_before_after(shaped: Shaped) -> None:
    theme = shaped.themes["expenses"]
    shaped.client.patch(
        f"{BASE}/themes/{theme}",
        json={"description": "Claims, receipts and the new finance tool"},
        headers=shaped.committee,
    )
    shown = _theme(shaped, theme)
    assert shown["description"] == "Claims, receipts and the new finance tool"
    history = shaped.client.get(f"{BASE}/themes/{theme}/history", headers=shaped.committee).json()
    assert [h["action"] for h in history] == ["describe"]
    entry = history[0]
    assert entry["actor"].startswith("token:") and entry["at"]
    assert entry["before"]["code"] is None
    assert entry["after"]["code"]["description"] == "Claims, receipts and the new finance tool"
    assert entry["after"]["code"]["examples"]  # the theme's best-coded answers
    viewer = shaped.client.get(f"{BASE}/themes/{theme}/history", headers=shaped.viewer).json()
    assert viewer[0]["after"]["code"]["examples"] == []  # viewers read no member's words


def test_merge_moves_answers_and_undo_puts_them_back(shaped: Shaped) -> None:
    kept, other = shaped.themes["calendar"], shaped.themes["ai"]
    response = shaped.client.post(
        f"{BASE}/themes/{kept}/merge", json={"other": other}, headers=shaped.committee
    )
    assert response.status_code == 200, response.text
    assert _theme(shaped, other)["status"] == "merged"
    assert _units(shaped, kept) == set(shaped.answers["calendar"] + shaped.answers["ai"])
    answers = shaped.client.get(f"{BASE}/themes/{kept}/answers", headers=shaped.committee).json()
    assert {a["id"] for a in answers} == set(shaped.answers["calendar"] + shaped.answers["ai"])

    undone = shaped.client.post(f"{BASE}/themes/{other}/undo", headers=shaped.committee)
    assert undone.json() == {"undid": "merge", "themes": sorted([kept, other])}
    assert _theme(shaped, other)["status"] == "active"
    assert _units(shaped, kept) == set(shaped.answers["calendar"])
    assert _units(shaped, other) == set(shaped.answers["ai"])
    history = shaped.client.get(f"{BASE}/themes/{kept}/history", headers=shaped.committee).json()
    assert [h["action"] for h in history] == ["undo", "merge"]
    assert history[1]["undone"] is True


def test_split_by_example_answers_makes_a_new_theme(shaped: Shaped) -> None:
    source = shaped.themes["expenses"]
    picked = shaped.answers["expenses"][:2]
    response = shaped.client.post(
        f"{BASE}/themes/{source}/split",
        json={"answer_ids": picked, "name": "Receipts rejected", "description": "Uploads fail"},
        headers=shaped.committee,
    )
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["label"] == "Receipts rejected" and new["codebook"] == "code"
    assert _units(shaped, new["id"]) == set(picked)
    assert _units(shaped, source) == set(shaped.answers["expenses"][2:])
    codebook = shaped.client.get(f"{BASE}/codebook", headers=shaped.committee).json()
    code = next(c for c in codebook["codes"] if c["code"] == "Receipts rejected")
    assert code["description"] == "Uploads fail" and len(code["examples"]) == 2

    shaped.client.post(f"{BASE}/themes/{new['id']}/undo", headers=shaped.committee)
    assert (
        shaped.client.get(f"{BASE}/themes/{new['id']}", headers=shaped.committee).status_code == 404
    )
    assert _units(shaped, source) == set(shaped.answers["expenses"])


def test_move_an_answer_is_pinned_and_undone(shaped: Shaped) -> None:
    source, target = shaped.themes["calendar"], shaped.themes["expenses"]
    answer = shaped.answers["calendar"][0]
    response = shaped.client.post(
        f"{BASE}/themes/{source}/move",
        json={"answer_id": answer, "to_theme_id": target},
        headers=shaped.committee,
    )
    assert response.status_code == 200, response.text
    assert answer in _units(shaped, target) and answer not in _units(shaped, source)
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        pins = session.scalars(select(AnswerPin)).all()
        assert [(p.answer_id, p.from_theme_id, p.to_theme_id) for p in pins] == [
            (answer, source, target)
        ]
    shaped.client.post(f"{BASE}/themes/{target}/undo", headers=shaped.committee)
    assert answer in _units(shaped, source)
    with db.transaction(engine) as session:
        assert session.scalars(select(AnswerPin)).all() == []


def test_move_to_no_theme(shaped: Shaped) -> None:
    source = shaped.themes["ai"]
    answer = shaped.answers["ai"][3]
    shaped.client.post(
        f"{BASE}/themes/{source}/move",
        json={"answer_id": answer, "to_theme_id": None},
        headers=shaped.committee,
    )
    assert answer not in _units(shaped, source)
    answers = shaped.client.get(f"{BASE}/themes/{source}/answers", headers=shaped.committee)
    assert answer not in {a["id"] for a in answers.json()}


def test_create_from_name_description_and_examples(shaped: Shaped) -> None:
    picked = [shaped.answers["ai"][0], shaped.answers["calendar"][1]]
    response = shaped.client.post(
        f"{BASE}/themes",
        json={"name": "Saving time", "description": "Tools that save time", "answer_ids": picked},
        headers=shaped.committee,
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["label"] == "Saving time" and created["description"] == "Tools that save time"
    answers = shaped.client.get(
        f"{BASE}/themes/{created['id']}/answers", headers=shaped.committee
    ).json()
    assert {a["id"] for a in answers} == set(picked)
    # the examples keep their other themes
    assert picked[0] in _units(shaped, shaped.themes["ai"])


def test_retire_and_undo(shaped: Shaped) -> None:
    theme = shaped.themes["ai"]
    shaped.client.post(f"{BASE}/themes/{theme}/retire", headers=shaped.committee)
    assert _theme(shaped, theme)["status"] == "retired"
    listed = shaped.client.get(f"{BASE}/themes", headers=shaped.committee).json()
    assert theme not in {t["id"] for t in listed}
    shaped.client.post(f"{BASE}/themes/{theme}/undo", headers=shaped.committee)
    assert _theme(shaped, theme)["status"] == "active"


def test_undo_of_rename_restores_the_label_everywhere(shaped: Shaped) -> None:
    theme = shaped.themes["calendar"]
    shaped.client.patch(f"{BASE}/themes/{theme}", json={"name": "X"}, headers=shaped.committee)
    shaped.client.post(f"{BASE}/themes/{theme}/undo", headers=shaped.committee)
    assert _theme(shaped, theme)["label"] == LABELS["calendar"]
    concerns = shaped.client.get(f"{BASE}/concerns", headers=shaped.viewer).json()
    assert f"\u201c{LABELS['calendar']}\u201d" in concerns[0]["reason"]
    nothing = shaped.client.post(f"{BASE}/themes/{theme}/undo", headers=shaped.committee)
    assert nothing.status_code == 409


def test_undo_refused_while_a_later_edit_of_the_other_theme_stands(shaped: Shaped) -> None:
    kept, other = shaped.themes["calendar"], shaped.themes["ai"]
    shaped.client.post(
        f"{BASE}/themes/{kept}/merge", json={"other": other}, headers=shaped.committee
    )
    shaped.client.patch(f"{BASE}/themes/{kept}", json={"name": "Y"}, headers=shaped.committee)
    refused = shaped.client.post(f"{BASE}/themes/{other}/undo", headers=shaped.committee)
    assert refused.status_code == 409
    assert f"theme {kept}" in refused.json()["hint"]


def test_viewer_cannot_edit_and_every_edit_is_audited(shaped: Shaped) -> None:
    theme = shaped.themes["calendar"]
    refused = shaped.client.patch(
        f"{BASE}/themes/{theme}", json={"name": "Nope"}, headers=shaped.viewer
    )
    assert refused.status_code == 403
    answers = shaped.client.get(f"{BASE}/themes/{theme}/answers", headers=shaped.viewer)
    assert answers.status_code == 403
    shaped.client.patch(f"{BASE}/themes/{theme}", json={"name": "Ok"}, headers=shaped.committee)
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.target == f"theme:{theme}"))
        logged = [
            (e.action, e.detail["before"]["name"], e.detail["after"]["name"]) for e in entries
        ]
    assert logged == [("theme.rename", None, "Ok")]


def test_candidate_ignored_is_remembered(shaped: Shaped) -> None:
    shaped.client.patch(
        f"{BASE}/themes/{shaped.themes['calendar']}", json={"name": "C"}, headers=shaped.committee
    )
    other = shaped.themes["ai"]
    assert _theme(shaped, other)["codebook"] == "new"
    codebook = shaped.client.get(f"{BASE}/codebook", headers=shaped.viewer).json()
    assert {c["id"] for c in codebook["candidates"]} == {other, shaped.themes["expenses"]}
    shaped.client.post(
        f"{BASE}/themes/{other}/decision", json={"decision": "ignore"}, headers=shaped.committee
    )
    assert _theme(shaped, other)["codebook"] == "ignored"
    shaped.client.post(
        f"{BASE}/themes/{shaped.themes['expenses']}/decision",
        json={"decision": "adopt"},
        headers=shaped.committee,
    )
    codebook = shaped.client.get(f"{BASE}/codebook", headers=shaped.viewer).json()
    assert codebook["candidates"] == []
    assert {c["code"] for c in codebook["codes"]} == {"C", LABELS["expenses"]}
    assert all(c["examples"] == [] for c in codebook["codes"])  # a viewer reads no answer


def test_edits_and_their_undo_on_both_databases(shaped_anywhere: Shaped) -> None:
    shaped = shaped_anywhere
    calendar, ai, expenses = (shaped.themes[s] for s in ("calendar", "ai", "expenses"))
    shaped.client.post(
        f"{BASE}/themes/{calendar}/merge", json={"other": ai}, headers=shaped.committee
    )
    split = shaped.client.post(
        f"{BASE}/themes/{expenses}/split",
        json={"answer_ids": shaped.answers["expenses"][:2], "name": "Receipts"},
        headers=shaped.committee,
    ).json()
    shaped.client.post(
        f"{BASE}/themes/{calendar}/move",
        json={"answer_id": shaped.answers["calendar"][0], "to_theme_id": split["id"]},
        headers=shaped.committee,
    )
    for theme in (split["id"], split["id"], calendar):  # the move, the split, the merge
        assert shaped.client.post(
            f"{BASE}/themes/{theme}/undo", headers=shaped.committee
        ).is_success
    assert _units(shaped, calendar) == set(shaped.answers["calendar"])
    assert _units(shaped, ai) == set(shaped.answers["ai"])
    assert _units(shaped, expenses) == set(shaped.answers["expenses"])
    codebook = shaped.client.get(f"{BASE}/codebook", headers=shaped.committee).json()
    assert codebook["codes"] == []


def test_rename_and_its_undo_reach_the_theme_s_suggestions(shaped: Shaped) -> None:
    """A suggestion the analysis titled from the theme follows its name; one the committee
    titled itself keeps its words."""
    theme = shaped.themes["calendar"]
    engine = shaped.client.app.state.engine  # type: ignore[attr-defined]
    with db.transaction(engine, write=True) as session:
        community_id = session.get_one(Theme, theme).community_id
        made = [
            Suggestion(community_id=community_id, title=title, why="", format="case_study")
            for title in (theme_title(LABELS["calendar"]), "Our own words")
        ]
        for suggestion in made:
            suggestion.theme_ids = [theme]
        session.add_all(made)

    def titles() -> list[str]:
        listed = shaped.client.get(f"{BASE}/suggestions", headers=shaped.committee).json()
        return sorted(s["title"] for s in listed)

    new = "Calendar clashes between executives"
    shaped.client.patch(f"{BASE}/themes/{theme}", json={"name": new}, headers=shaped.committee)
    assert titles() == sorted([new, "Our own words"])
    shaped.client.post(f"{BASE}/themes/{theme}/undo", headers=shaped.committee)
    assert titles() == sorted([theme_title(LABELS["calendar"]), "Our own words"])


def test_an_answer_id_past_the_column_is_a_422_not_a_500(shaped: Shaped) -> None:
    """Schemathesis found it: SQLite cannot bind 2**63, and the create answered 500."""
    answer = shaped.client.post(
        f"{BASE}/themes",
        json={"answer_ids": [2**63], "name": "Too far"},
        headers=shaped.committee,
    )
    assert answer.status_code == 422
    assert "answer_ids" in answer.text
