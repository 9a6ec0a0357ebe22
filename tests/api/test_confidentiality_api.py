"""Property: no response body or digest exposes a group below the minimum, for any community."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.auth.roles import Role
from service.config import Settings
from service.main import create_app
from service.modelstore import ModelStore
from service.storage import db
from tests.conftest import make_token

ROLES = ["Executive Assistant", "Office Manager", "Receptionist", "Team Assistant"]
DEPARTMENTS = ["Finance", "Legal", "Sales", "Operations", "IT"]

member = st.tuples(
    st.sampled_from(ROLES),
    st.sampled_from(DEPARTMENTS + [""]),
    st.integers(min_value=0, max_value=5),
)


def _export(members: list[tuple[str, str, int]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["respondent_id", "submitted_at", "role", "department", "satisfaction"])
    for number, (role, department, week) in enumerate(members):
        writer.writerow(
            [
                f"R-{number}",
                f"2026-09-{7 + 7 * week:02d}T10:00:00",
                role,
                department,
                1 + number % 5,
            ]
        )
    return buffer.getvalue().encode()


def _check_cells(cells: list[dict], minimum: int) -> None:
    for cell in cells:
        if cell["suppressed"]:
            assert cell["count"] is None and cell["note"] == f"fewer than {minimum} responses"
        else:
            assert cell["count"] >= minimum


def _check_metrics(metrics: dict, minimum: int) -> None:
    """Weekly figures and participation counts: a number is 0 or at least the minimum."""
    for cells in metrics["weekly"].values():
        for cell in cells:
            assert cell["suppressed"] == (cell["n"] is None)
            assert cell["n"] is None or cell["n"] >= minimum
    for row in metrics["participation"]:
        for name in ("active", "first_time", "returning", "lapsed"):
            value = row[name]
            assert not isinstance(value, int) or value == 0 or value >= minimum, (name, row)


_COUNT = re.compile(r"(?<![-+\d.])(\d+) (?:members?|responses?)\b")


def _check_digest_text(text: str, minimum: int) -> None:
    """Every count of members or responses in the e-mail is 0, the minimum or more, or the
    suppression note itself."""
    for match in _COUNT.finditer(text.replace(f"fewer than {minimum} responses", "")):
        assert int(match.group(1)) == 0 or int(match.group(1)) >= minimum, match.group(0)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(members=st.lists(member, min_size=1, max_size=40), minimum=st.integers(2, 8))
def test_segments_and_participation_never_expose_small_groups(
    members: list[tuple[str, str, int]], minimum: int, models: ModelStore
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Settings(
            environment="test",
            database_url=f"sqlite:///{Path(folder) / 'p.db'}",
            secret_key="property-test-secret-key-0123456789abcdef",
            min_group_size=minimum,
            min_quote_group_size=minimum * 2,
        )
        db.engine_for.cache_clear()
        with TestClient(create_app(config, models)) as client:
            headers = {"Authorization": f"Bearer {make_token(client, Role.FACILITATOR, 'cc')}"}
            uploaded = client.post(
                "/api/v1/communities/cc/imports",
                headers=headers,
                files={"file": ("m.csv", _export(members))},
            )
            assert uploaded.status_code == 201, uploaded.text
            segments = client.get("/api/v1/communities/cc/segments", headers=headers).json()
            for cells in segments["dimensions"].values():
                _check_cells(cells, minimum)
                visible = [c["count"] for c in cells if not c["suppressed"]]
                if visible:  # the community's member count is published: nothing small remains
                    hidden = len(members) - sum(visible)
                    assert hidden == 0 or hidden >= minimum
            weeks = client.get("/api/v1/communities/cc/participation", headers=headers).json()
            for week in weeks["weeks"]:
                assert week["suppressed"] or week["members"] >= minimum
            _check_metrics(
                client.get("/api/v1/communities/cc/metrics", headers=headers).json(), minimum
            )
            digest = client.get("/api/v1/communities/cc/digest/preview", headers=headers).json()
            _check_digest_text(digest["text"], minimum)
        db.engine_for.cache_clear()
