"""The digest tests' sample community (themes, suggestions, three weeks of ratings), reported on."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from service.config import Settings
from service.privacy.thresholds import Confidentiality
from service.report.content import Period
from service.report.schemas import ReportContent
from service.report.service import build
from service.storage import db
from service.storage.repositories import communities
from tests.digest.conftest import sample_community

PERIOD = Period(date(2026, 9, 1), date(2026, 10, 31))


@pytest.fixture
def sample(engine: Engine) -> Engine:
    """The sample community in the test database."""
    sample_community(engine)
    return engine


def report_of(
    engine: Engine, settings: Settings, *, role: str, period: Period = PERIOD
) -> ReportContent:
    """The report of ``circle`` as ``role`` reads it."""
    privacy = Confidentiality(
        min_group=settings.min_group_size, min_quote_group=settings.min_quote_group_size
    )
    with db.transaction(engine) as session:
        return build(
            session,
            communities.get(session, "circle"),
            period=period,
            role=role,
            privacy=privacy,
            today=date(2026, 11, 2),
        )


def pdf_text(data: bytes) -> tuple[str, list[tuple[float, float]]]:
    """The text of a PDF and the size of each page, in points."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    text = "\n".join(sheet.extract_text() or "" for sheet in reader.pages)
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    ]
    return " ".join(text.split()), sizes
