"""Theme identity across runs on synthetic centroids."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from service.themes.identity import KnownTheme, match_themes, optimal_matches


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


@pytest.fixture
def basis() -> np.ndarray:
    return np.eye(8)


def _ids():
    counter = itertools.count()
    return lambda: f"new{next(counter)}"


def test_continued_themes_keep_ids_and_names_even_when_reordered(basis) -> None:
    known = [KnownTheme("calendar", basis[0], "Calendar chaos"), KnownTheme("expenses", basis[1])]
    current = np.stack([_unit(basis[1] + 0.1 * basis[5]), _unit(basis[0] + 0.1 * basis[6])])
    lineage = match_themes(known, current, new_id=_ids())
    assert [(e.theme_id, e.status, e.index, e.name) for e in lineage] == [
        ("expenses", "continued", 0, None),
        ("calendar", "continued", 1, "Calendar chaos"),
    ]


def test_new_and_retired(basis) -> None:
    known = [KnownTheme("calendar", basis[0]), KnownTheme("vpn", basis[2])]
    current = np.stack([basis[0], basis[3]])
    lineage = match_themes(known, current, new_id=_ids())
    assert [(e.theme_id, e.status) for e in lineage] == [
        ("calendar", "continued"),
        ("new0", "new"),
        ("vpn", "retired"),
    ]


def test_split_names_its_parent(basis) -> None:
    parent = _unit(basis[0] + basis[1])
    known = [KnownTheme("travel", parent)]
    current = np.stack(
        [_unit(basis[0] + 0.8 * basis[1]), _unit(0.8 * basis[0] + basis[1] + 0.3 * basis[4])]
    )
    lineage = match_themes(known, current, new_id=_ids())
    assert [e.status for e in lineage] == ["continued", "split"]
    assert lineage[1].related_ids == ("travel",) and lineage[1].theme_id == "new0"


def test_merge_keeps_the_best_match_and_records_the_absorbed(basis) -> None:
    known = [
        KnownTheme("rooms", _unit(basis[0] + 0.5 * basis[1])),
        KnownTheme("calendar", _unit(basis[0] + 0.5 * basis[2]), "Calendar"),
    ]
    current = np.stack([_unit(basis[0] + 0.3 * basis[1] + 0.3 * basis[2])])
    lineage = match_themes(known, current, new_id=_ids())
    by_id = {e.theme_id: e for e in lineage}
    assert len(lineage) == 2
    kept = next(e for e in lineage if e.index == 0)
    absorbed = next(e for e in lineage if e.index is None)
    assert kept.status == "merged" and kept.related_ids == (absorbed.theme_id,)
    assert absorbed.status == "merged" and absorbed.merged_into == kept.theme_id
    assert set(by_id) == {"rooms", "calendar"}


def test_unrelated_runs_share_nothing(basis) -> None:
    lineage = match_themes([KnownTheme("a", basis[0])], np.stack([basis[1]]), new_id=_ids())
    assert [(e.theme_id, e.status) for e in lineage] == [("new0", "new"), ("a", "retired")]


def test_first_run_is_all_new(basis) -> None:
    lineage = match_themes([], basis[:3], new_id=_ids())
    assert [e.status for e in lineage] == ["new", "new", "new"]


def test_assignment_is_optimal_not_greedy() -> None:
    similarity = np.array([[0.9, 0.85], [0.88, 0.1]])
    assert optimal_matches(similarity, 0.5) == {1: 0, 0: 1}


def test_an_old_theme_of_another_size_continues_nothing(basis) -> None:
    """A centroid kept from another embedding model (or made by hand) is retired, not compared."""
    known = [KnownTheme("old-model", np.ones(3)), KnownTheme("calendar", basis[0])]
    lineage = match_themes(known, np.stack([basis[0], basis[4]]), new_id=_ids())
    assert [(e.theme_id, e.status) for e in lineage] == [
        ("calendar", "continued"),
        ("new0", "new"),
        ("old-model", "retired"),
    ]
