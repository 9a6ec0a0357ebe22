"""Program metrics on data with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from service.metrics.drivers import difference, drivers
from service.metrics.quantitative import TypedAnswer, nps, participation, role_of, weekly
from tests.conftest import fixture_bytes


def test_nps_counts_promoters_minus_detractors() -> None:
    assert nps([10, 9, 8, 7, 6, 0]) == pytest.approx(100 * (2 - 2) / 6)
    assert nps([10, 10, 9, 3]) == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("question", "kind", "role"),
    [
        ("How satisfied were you with the last session? (1-5)", "likert", "satisfaction"),
        ("How likely are you to recommend us? (0-10)", "nps", "nps"),
        ("Did you attend this week's session?", "yes_no", "attendance"),
        ("How many people do you support?", "numeric", None),
    ],
)
def test_roles_of_quantitative_questions(question: str, kind: str, role: str | None) -> None:
    assert role_of(question, kind) == role


def test_weekly_means_per_role() -> None:
    answers = [
        TypedAnswer(i, "2026-W37", "How satisfied were you?", "likert", v)
        for i, v in enumerate([5, 4, 3])
    ]
    answers += [TypedAnswer(9, "2026-W38", "How satisfied were you?", "likert", 2.0)]
    result = weekly(answers)["satisfaction"]
    assert result["2026-W37"] == {"n": 3.0, "value": 4.0}
    assert result["2026-W38"]["value"] == 2.0


def test_participation_first_time_returning_and_lapsed() -> None:
    activity = {"W1": {1, 2, 3}, "W2": {1, 2, 4}, "W3": {1}, "W4": {1, 4}}
    rows = participation(activity, roster_by_week={"W1": 4, "W2": 4, "W3": 4, "W4": 4})
    assert [(r.active, r.first_time, r.returning) for r in rows] == [
        (3, 3, 0),
        (3, 1, 2),
        (1, 0, 1),
        (2, 0, 2),
    ]
    assert [r.lapsed for r in rows] == [0, 0, 1, 2]  # 3 gone by W3; 2 and 3 gone by W4
    assert rows[0].response_rate == 0.75


def test_difference_interval_covers_the_true_shift() -> None:
    rng = np.random.default_rng(1)
    low_group = rng.normal(3.0, 0.5, 60)
    high_group = rng.normal(4.0, 0.5, 60)
    diff, low, high, effect = difference(low_group, high_group)
    assert low < -1.0 < high and diff == pytest.approx(-1.0, abs=0.25)
    assert effect < -1.5


def test_drivers_rank_the_negative_factor_first_and_respect_the_minimum() -> None:
    satisfaction = {m: (2.0 if m < 10 else 4.5) + 0.1 * (m % 3) for m in range(40)}
    factors = {
        "theme: reorg": set(range(10)),
        "theme: tiny": {1, 2},
        "theme: AI tools": set(range(10, 25)),
    }
    found = drivers(satisfaction, factors, min_group=5)
    assert [d.factor for d in found] == ["theme: reorg", "theme: AI tools"]
    assert found[0].difference < -2 and found[0].high < 0
    assert "lower" in found[0].sentence() and "clearly" in found[0].sentence()


def test_metrics_endpoint(app_client: TestClient, facilitator_headers: dict[str, str]) -> None:
    app_client.post(
        "/api/v1/communities/circle/imports",
        headers=facilitator_headers,
        files={"file": ("b.csv", fixture_bytes("google_forms/basic.csv"))},
    )
    body = app_client.get("/api/v1/communities/circle/metrics", headers=facilitator_headers).json()
    assert set(body) == {"min_group_size", "weekly", "participation", "drivers"}
    satisfaction = body["weekly"]["satisfaction"]
    assert satisfaction and all(c["suppressed"] or c["n"] >= 5 for c in satisfaction)
    assert body["weekly"]["nps"][0]["n"] == 5
