"""The stages give the same ``analyze --json`` on the sample community as the job did before
them (``tests/fixtures/analysis/sample_before_stages.json``, printed by ``peerpulse analyze
--community admin-circle --json`` at commit 28d64b9, before issue 17, with ``run_id`` left out).
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Engine

from service.analysis.stages import STAGES, run_analysis
from service.config import Settings
from service.intake import run_import, run_roster_import
from service.jobs import store
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import communities, goals
from tests.conftest import ROOT

SAMPLE = ROOT / "corpora" / "sample"
BEFORE = ROOT / "tests" / "fixtures" / "analysis" / "sample_before_stages.json"


def _load_sample(engine: Engine, settings: Settings, models: ModelStore) -> int:
    """What ``make sample`` loads, in its order."""
    run_roster_import(
        engine,
        settings,
        slug="admin-circle",
        data=(SAMPLE / "members.csv").read_bytes(),
        filename="members.csv",
        create_community=True,
    )
    files = [
        *sorted(SAMPLE.glob("google_forms_*.csv")),
        *sorted(SAMPLE.glob("surveymonkey_*.csv")),
        *sorted(SAMPLE.glob("qualtrics_*.csv")),
        SAMPLE / "checkins.jsonl",
    ]
    for path in files:
        run_import(
            engine,
            settings,
            slug="admin-circle",
            data=path.read_bytes(),
            filename=path.name,
            format_name="auto",
            mapping=None,
            create_community=True,
            redactor=models.redactor,
        )
    from service.cli.goals import _read_goals

    with db.transaction(engine, write=True) as session:
        community = communities.get(session, "admin-circle")
        goals.add_missing(session, community, _read_goals(SAMPLE / "goals.csv"))
        return community.id


def _differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Where two JSON values differ (floats within 1e-6)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = [f"{where}.{k}: missing after" for k in before.keys() - after.keys()]
        out += [f"{where}.{k}: new after" for k in after.keys() - before.keys()]
        for key in before.keys() & after.keys():
            out += _differences(before[key], after[key], f"{where}.{key}")
        return out
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{where}: {len(before)} items before, {len(after)} after"]
        return [
            d
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for d in _differences(b, a, f"{where}[{i}]")
        ]
    if isinstance(before, float) and isinstance(after, float):
        return (
            []
            if math.isclose(before, after, rel_tol=1e-6, abs_tol=1e-9)
            else [f"{where}: {before} != {after}"]
        )
    return [] if before == after else [f"{where}: {before!r} != {after!r}"]


def test_the_sample_analysis_is_the_same_as_before_the_stages(
    engine: Engine, settings: Settings, models: ModelStore
) -> None:
    import json

    community_id = _load_sample(engine, settings, models)
    job_id, _ = store.create(engine, community_id, "analysis")
    seen: list[tuple[float, str]] = []
    result = run_analysis(
        engine, models, settings, store.get(engine, job_id), lambda f, m: seen.append((f, m))
    )
    result.pop("run_id")
    before = json.loads(BEFORE.read_text(encoding="utf-8"))
    assert _differences(before, result) == []
    # The progress walks the stage list: it never goes back, and every stage says what it does.
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and 0.0 <= fractions[0] and fractions[-1] <= 1.0
    assert {stage.message for stage in STAGES} <= {m for _, m in seen}
