"""Typed short answers and segment values are redacted too, not only free text."""

from __future__ import annotations

from service.config import LimitSettings
from service.ingest.schemas import QuestionKind
from service.ingest.service import parse_export
from service.privacy.redactor import Redactor
from service.privacy.service import redact_import
from tests.conftest import fixture_bytes

TITLE = "Job title"


def test_a_job_title_read_as_a_choice_is_redacted_before_storage(redactor: Redactor) -> None:
    """Regression: once title-like answers became a role choice, "EA to Sarah Jones" was stored
    as written in the answer and the member's segment."""
    data = fixture_bytes("google_forms/short_answers.csv").decode("utf-8")
    lines = data.splitlines()
    cells = lines[2].split(",")
    cells[2] = "EA to Sarah Jones"
    lines[2] = ",".join(cells)
    parsed = parse_export(
        ("\n".join(lines) + "\n").encode("utf-8"), "short_answers.csv", limits=LimitSettings()
    )
    kinds = {q.text: q.kind for q in parsed.questions}
    assert kinds[TITLE] != QuestionKind.FREE_TEXT  # the column is not themed, so not free text

    redact_import(parsed, redactor)

    titles = [a.text for r in parsed.records for a in r.answers if a.question == TITLE]
    segments = [v for r in parsed.records for v in r.segments.values()]
    assert "EA to [PERSON]" in titles
    assert not any("Sarah" in (t or "") for t in titles + segments)
    assert "Executive Assistant" in titles  # an ordinary title stays as it was
