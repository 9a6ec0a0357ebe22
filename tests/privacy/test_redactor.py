"""The PII redactor on the real spaCy pipeline."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.privacy.redactor import Redactor, gazetteer_from, resolve_overlaps
from service.privacy.patterns import Span

CASES = [
    ("My boss Daniel Whitaker double-booked me again.", "My boss [PERSON] double-booked me again."),
    ("Email me at priya.sharma+pulse@mail.example.org today.", "Email me at [EMAIL] today."),
    ("Call +1 (415) 555-0132 or +44 20 7946 0958.", "Call [PHONE] or [PHONE]."),
    ("My employee ID 4471983 was reset.", "My [ID] was reset."),
    ("Server 192.0.2.14 and 2001:db8::8a2e:370:7334 were down.", "Server [IP] and [IP] were down."),
    ("Book via https://calendly.com/priya-sharma please.", "Book via [URL] please."),
    ("The policy is at https://www.example.com/policy now.", "The policy is at https://www.example.com/policy now."),
    ("We met at 221B Baker Street before lunch.", "We met at [ADDRESS] before lunch."),
    ("She handled it with grace under pressure.", "She handled it with grace under pressure."),
    ("In May we moved to Microsoft Teams and Workday.", "In May we moved to Microsoft Teams and Workday."),
    ("Will you join the CFO's offsite?", "Will you join the CFO's offsite?"),
    ("May Chen covered reception while Will Turner was out.", "[PERSON] covered reception while [PERSON] was out."),
    ("Grace from Finance fixed the Concur export.", "[PERSON] from Finance fixed the Concur export."),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_redaction(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact([text])[0].text == expected


def test_gazetteer_catches_a_name_the_model_misses(redactor: Redactor) -> None:
    text = "Told Zoltanne the rota is done."
    redacted = redactor.redact([text], gazetteer_from(["zoltanne.kiss@example.org"]))[0].text
    assert "Zoltanne" not in redacted and "[PERSON]" in redacted


def test_gazetteer_ignores_non_names() -> None:
    words = gazetteer_from(["Outlook", "ana.silva@example.org", "12345"])
    assert words == frozenset({"ana", "silva"})


def test_overlaps_prefer_the_specific_label() -> None:
    spans = resolve_overlaps([Span(0, 20, "PERSON"), Span(5, 20, "EMAIL"), Span(30, 35, "PHONE")])
    assert [s.label for s in spans] == ["EMAIL", "PHONE"]


def test_import_stores_only_redacted_text(
    app_client: TestClient, facilitator_headers: dict[str, str]
) -> None:
    csv = (
        "Timestamp,Email Address,What keeps you up at night?\r\n"
        "9/8/2026 10:00:00,ana.silva@example.org,\"My boss Daniel Whitaker wants replies by 6am; "
        "call me on +1 415 555 0199\"\r\n"
        "9/8/2026 11:00:00,joe.bloggs@example.org,Ana Silva is covering my inbox this week\r\n"
    ).encode()
    response = app_client.post("/api/v1/communities/circle/imports", headers=facilitator_headers,
                               files={"file": ("pulse.csv", csv)})
    assert response.status_code == 201, response.text
    assert any("redacted" in w for w in response.json()["warnings"])
    export = app_client.get("/api/v1/communities/circle/answers.csv", headers=facilitator_headers).text
    assert "Whitaker" not in export and "555" not in export and "Silva" not in export
    assert "[PERSON]" in export and "[PHONE]" in export
