"""The suggestion and agenda endpoints: contracts, roles, the audit log, merges, re-runs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.auth.roles import Role
from service.storage import db
from service.storage.tables import AuditEntry, Suggestion
from tests.agenda.builders import worry_and_size
from tests.agenda.conftest import headers, run_analysis

BASE = "/api/v1/communities/circle"
ERROR_KEYS = {"error", "detail", "location", "hint"}


def _audit(client: TestClient) -> list[AuditEntry]:
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_analysis_output_is_the_contract_best_first(
    client: TestClient, viewer: dict[str, str]
) -> None:
    made = run_analysis(client)
    assert [set(s) for s in made] == [
        {"id", "title", "why", "angles", "quotes", "format", "format_reason", "theme_ids"}
    ] * len(made)
    assert made[0]["title"] == "Job security and the reorganisation"
    assert made[0]["format"] == "fireside_chat" and made[0]["theme_ids"] == [1]
    assert 2 <= len(made[0]["angles"]) <= 4
    listed = client.get(f"{BASE}/suggestions", headers=viewer)
    assert listed.status_code == 200
    body = listed.json()
    assert [s["id"] for s in body] == [s["id"] for s in made]
    new = [s["score"] for s in body if not s["why"].startswith("Follow up?")]
    assert new == sorted(new, reverse=True)
    # the faded expense theme comes last, as a "follow up?" note
    assert body[-1]["why"].startswith("Follow up?") and body[-1]["theme_ids"] == [3]
    assert body[0]["status"] == "open"
    assert body[0]["votes"] == {"up": 0, "down": 0, "total": 0} and body[0]["my_vote"] is None


def test_a_rerun_updates_instead_of_duplicating(client: TestClient) -> None:
    first = run_analysis(client, job_id="job-1")
    second = run_analysis(client, job_id="job-2")
    assert [s["id"] for s in second] == [s["id"] for s in first]
    assert second == first
    with db.transaction(client.app.state.engine) as session:  # type: ignore[attr-defined]
        rows = list(session.scalars(select(Suggestion)))
    assert len(rows) == len(first) and {r.job_id for r in rows} == {"job-2"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/suggestions/{id}/votes", {"value": 1}),
        ("post", "/suggestions/{id}/decision", {"decision": "defer"}),
        ("post", "/suggestions/{id}/comments", {"text": "Good one"}),
        ("patch", "/suggestions/{id}", {"title": "New title"}),
        ("post", "/suggestions/merge", {"ids": ["{id}", "{other}"]}),
    ],
    ids=["vote", "decision", "comment", "patch", "merge"],
)
def test_viewers_read_but_only_the_committee_acts(
    client: TestClient,
    viewer: dict[str, str],
    committee: dict[str, str],
    method: str,
    path: str,
    body: dict,
) -> None:
    made = run_analysis(client)
    first, other = made[0]["id"], made[1]["id"]
    url = BASE + path.replace("{id}", str(first))
    if "ids" in body:
        body = {"ids": [first, other]}
    refused = client.request(method, url, headers=viewer, json=body)
    assert refused.status_code == 403 and set(refused.json()) == ERROR_KEYS
    allowed = client.request(method, url, headers=committee, json=body)
    assert allowed.status_code in (200, 201), allowed.text
    assert client.get(f"{BASE}/suggestions/{first}", headers=viewer).status_code == 200


def test_one_vote_per_voter(client: TestClient, committee: dict[str, str]) -> None:
    target = run_analysis(client)[0]["id"]
    url = f"{BASE}/suggestions/{target}/votes"
    client.post(url, headers=committee, json={"value": 1})
    again = client.post(url, headers=committee, json={"value": 1}).json()
    assert again["votes"] == {"up": 1, "down": 0, "total": 1} and again["my_vote"] == 1
    changed = client.post(url, headers=committee, json={"value": -1}).json()
    assert changed["votes"] == {"up": 0, "down": 1, "total": -1}
    other = client.post(url, headers=headers(client, Role.COMMITTEE), json={"value": 1}).json()
    assert other["votes"] == {"up": 1, "down": 1, "total": 0}
    bad = client.post(url, headers=committee, json={"value": 2})
    assert bad.status_code == 422 and set(bad.json()) == ERROR_KEYS
    votes = [e for e in _audit(client) if e.action == "suggestion.vote"]
    assert [e.detail for e in votes] == [
        {"value": 1, "previous": None},
        {"value": 1, "previous": 1},
        {"value": -1, "previous": 1},
        {"value": 1, "previous": None},
    ]
    assert votes[0].actor.startswith("token:") and votes[0].actor != votes[-1].actor


def test_decisions(client: TestClient, committee: dict[str, str]) -> None:
    made = run_analysis(client)
    url = f"{BASE}/suggestions/{made[0]['id']}/decision"
    missing = client.post(url, headers=committee, json={"decision": "accept"})
    assert missing.status_code == 422 and "session_date" in missing.json()["hint"]
    accepted = client.post(
        url, headers=committee, json={"decision": "accept", "session_date": "2026-10-20"}
    ).json()
    assert accepted["status"] == "accepted" and accepted["session_date"] == "2026-10-20"
    no_reason = client.post(
        f"{BASE}/suggestions/{made[1]['id']}/decision",
        headers=committee,
        json={"decision": "reject"},
    )
    assert no_reason.status_code == 422 and set(no_reason.json()) == ERROR_KEYS
    rejected = client.post(
        f"{BASE}/suggestions/{made[1]['id']}/decision",
        headers=committee,
        json={"decision": "reject", "reason": "Covered last month"},
    ).json()
    assert rejected["status"] == "rejected" and rejected["reason"] == "Covered last month"
    closed = client.post(
        f"{BASE}/suggestions/{made[1]['id']}/votes", headers=committee, json={"value": 1}
    )
    assert closed.status_code == 409 and set(closed.json()) == ERROR_KEYS
    deferred = client.post(
        f"{BASE}/suggestions/{made[2]['id']}/decision",
        headers=committee,
        json={"decision": "defer"},
    ).json()
    assert deferred["status"] == "deferred"
    actions = [
        (e.action, e.target, e.detail["to"])
        for e in _audit(client)
        if e.action.startswith("suggestion.") and "to" in e.detail
    ]
    assert actions == [
        ("suggestion.accept", f"suggestion:{made[0]['id']}", "accepted"),
        ("suggestion.reject", f"suggestion:{made[1]['id']}", "rejected"),
        ("suggestion.defer", f"suggestion:{made[2]['id']}", "deferred"),
    ]


def test_comments_and_history(
    client: TestClient, committee: dict[str, str], viewer: dict[str, str]
) -> None:
    target = run_analysis(client)[0]["id"]
    made = client.post(
        f"{BASE}/suggestions/{target}/comments",
        headers=committee,
        json={"text": "  Invite HR to answer questions  "},
    )
    assert made.status_code == 201 and made.json()["text"] == "Invite HR to answer questions"
    assert (
        client.post(
            f"{BASE}/suggestions/{target}/comments", headers=committee, json={"text": ""}
        ).status_code
        == 422
    )
    detail = client.get(f"{BASE}/suggestions/{target}", headers=viewer).json()
    assert [c["text"] for c in detail["comments"]] == ["Invite HR to answer questions"]
    assert [h["action"] for h in detail["history"]] == ["suggestion.create", "suggestion.comment"]
    assert detail["history"][1]["actor"] == made.json()["author"]
    assert detail["history"][1]["at"]


def test_rename_and_edited_angles_survive_a_rerun(
    client: TestClient, committee: dict[str, str]
) -> None:
    target = run_analysis(client)[0]["id"]
    url = f"{BASE}/suggestions/{target}"
    edited = client.patch(
        url,
        headers=committee,
        json={
            "title": "Living with the reorg",
            "angles": ["What do you want to ask HR?", "Who can you talk to?"],
        },
    ).json()
    assert edited["title"] == "Living with the reorg"
    assert edited["angles"] == ["What do you want to ask HR?", "Who can you talk to?"]
    again = next(s for s in run_analysis(client, job_id="job-2") if s["id"] == target)
    assert again["title"] == "Living with the reorg" and len(again["angles"]) == 2
    history = [
        (e.action, e.detail.get("to")) for e in _audit(client) if e.target == f"suggestion:{target}"
    ][1:]
    assert history == [
        ("suggestion.rename", "Living with the reorg"),
        ("suggestion.edit_angles", ["What do you want to ask HR?", "Who can you talk to?"]),
    ]
    empty = client.patch(url, headers=committee, json={"angles": [" "]})
    assert empty.status_code == 422 and set(empty.json()) == ERROR_KEYS


def test_merge(client: TestClient, committee: dict[str, str], viewer: dict[str, str]) -> None:
    made = run_analysis(client)
    first, second = made[1]["id"], made[3]["id"]
    client.post(f"{BASE}/suggestions/{second}/votes", headers=committee, json={"value": 1})
    merged = client.post(
        f"{BASE}/suggestions/merge",
        headers=committee,
        json={"ids": [first, second], "title": "Calendars and AI"},
    )
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["id"] == first and body["title"] == "Calendars and AI"
    assert sorted(body["theme_ids"]) == sorted(made[1]["theme_ids"] + made[3]["theme_ids"])
    assert body["votes"]["up"] == 1
    assert len(body["quotes"]) <= 3
    gone = client.get(f"{BASE}/suggestions/{second}", headers=viewer).json()
    assert gone["status"] == "merged" and gone["merged_into"] == first
    assert second not in [s["id"] for s in client.get(f"{BASE}/suggestions", headers=viewer).json()]
    again = client.post(
        f"{BASE}/suggestions/merge", headers=committee, json={"ids": [first, second]}
    )
    assert again.status_code == 409
    same = client.post(f"{BASE}/suggestions/merge", headers=committee, json={"ids": [1, 1]})
    assert same.status_code == 422
    rerun = run_analysis(client, job_id="job-2")
    assert [s["id"] for s in rerun].count(first) == 1 and second not in [s["id"] for s in rerun]
    assert next(s for s in rerun if s["id"] == first)["title"] == "Calendars and AI"
    assert any(
        e.action == "suggestion.merge" and e.detail["merged"] == second for e in _audit(client)
    )


def test_agenda_json_and_markdown(
    client: TestClient, committee: dict[str, str], viewer: dict[str, str]
) -> None:
    made = run_analysis(client)
    client.post(f"{BASE}/suggestions/{made[1]['id']}/votes", headers=committee, json={"value": 1})
    for suggestion, day in (
        (made[0], "2026-10-20"),
        (made[1], "2026-10-20"),
        (made[2], "2026-11-03"),
    ):
        client.post(
            f"{BASE}/suggestions/{suggestion['id']}/decision",
            headers=committee,
            json={"decision": "accept", "session_date": day},
        )
    client.patch(
        f"{BASE}/suggestions/{made[1]['id']}",
        headers=committee,
        json={"title": "Calendars *again* <b>"},
    )
    as_json = client.get(f"{BASE}/agenda", params={"session": "2026-10-20"}, headers=viewer)
    assert as_json.status_code == 200
    assert [i["id"] for i in as_json.json()["items"]] == [made[1]["id"], made[0]["id"]]
    markdown = client.get(
        f"{BASE}/agenda",
        params={"session": "2026-10-20"},
        headers={**viewer, "Accept": "text/markdown"},
    )
    assert markdown.headers["content-type"].startswith("text/markdown")
    text = markdown.text
    assert text.startswith("# Agenda: Circle, Tuesday 20 October 2026")
    assert "## 1. Calendars \\*again\\* \\<b\\>" in text
    assert "## 2. Job security and the reorganisation" in text
    assert "**Format:** Fireside chat with Q&A." in text
    assert "**Discussion angles**" in text and made[0]["angles"][0] in text
    assert "> \u201c" not in text and "In members' words" not in text  # a viewer: no quotes
    assert "Expense" not in text and made[2]["title"] not in text
    quoted = client.get(
        f"{BASE}/agenda",
        params={"session": "2026-10-20"},
        headers={**committee, "Accept": "text/markdown"},
    ).text
    assert "> \u201c" in quoted and "(2026-W41)" in quoted
    empty = client.get(
        f"{BASE}/agenda",
        params={"session": "2027-01-05"},
        headers={**viewer, "Accept": "text/markdown"},
    )
    assert "No suggestions are accepted for this session yet." in empty.text
    missing = client.get(f"{BASE}/agenda", headers=viewer)
    assert missing.status_code == 422 and set(missing.json()) == ERROR_KEYS


def test_a_rejected_theme_returns_only_when_it_grows_markedly(
    client: TestClient, committee: dict[str, str]
) -> None:
    themes, units = worry_and_size()
    made = run_analysis(client, themes, units)
    target = made[0]["id"]
    assert themes[0]["units"] == 24
    client.post(
        f"{BASE}/suggestions/{target}/decision",
        headers=committee,
        json={"decision": "reject", "reason": "Not this term"},
    )
    themes[0]["units"] = 35  # less than 1.5 x 24 = 36
    assert 1 not in {
        t for s in run_analysis(client, themes, units, job_id="job-2") for t in s["theme_ids"]
    }
    themes[0]["units"] = 36
    back = next(
        s for s in run_analysis(client, themes, units, job_id="job-3") if s["theme_ids"] == [1]
    )
    assert back["id"] != target
    assert back["why"].startswith("Back after the committee rejected it: grown from 24 to 36")
    listed = client.get(f"{BASE}/suggestions", headers=committee).json()
    assert {s["id"]: s["status"] for s in listed}[target] == "rejected"
    assert next(s for s in listed if s["id"] == back["id"])["evidence"]["resurfaced_from"] == target


def test_open_suggestions_that_no_longer_rank_go_unless_discussed(
    client: TestClient, committee: dict[str, str]
) -> None:
    made = run_analysis(client)
    voted = made[2]["id"]
    client.post(f"{BASE}/suggestions/{voted}/votes", headers=committee, json={"value": 1})
    themes, units = worry_and_size()
    run_analysis(client, themes[:1], [u for u in units if u["theme_id"] == 1], job_id="job-2")
    listed = {s["id"]: s for s in client.get(f"{BASE}/suggestions", headers=committee).json()}
    assert set(listed) == {made[0]["id"], voted}
    assert listed[voted]["current"] is False and listed[made[0]["id"]]["current"] is True


def test_another_communitys_suggestion_is_not_found(client: TestClient) -> None:
    theirs = run_analysis(client, slug="elsewhere")[0]["id"]
    mine = headers(client, Role.COMMITTEE)
    for response in (
        client.get(f"{BASE}/suggestions/{theirs}", headers=mine),
        client.post(f"{BASE}/suggestions/{theirs}/votes", headers=mine, json={"value": 1}),
    ):
        assert response.status_code == 404 and set(response.json()) == ERROR_KEYS
    intruder = headers(client, Role.ADMIN, "elsewhere")
    assert client.get(f"{BASE}/suggestions", headers=intruder).status_code == 404
