"""Representative quotes by MMR."""

from __future__ import annotations

import numpy as np
import pytest

from service.themes.quotes import representative_quotes

TEXTS = [
    "The VPN drops every single afternoon",  # 0 central, topic A
    "The VPN keeps dropping in the afternoon",  # 1 near-duplicate of 0
    "VPN disconnects during afternoon calls",  # 2 close to 0
    "The laptop is far too slow for calls",  # 3 topic B, still in the theme
    "Webcams have terrible image quality",  # 4 topic C
    "ok",  # 5 too short
]
VECTORS = np.array(
    [
        [1.0, 0.10, 0.00],
        [1.0, 0.12, 0.00],
        [1.0, 0.20, 0.05],
        [0.6, 0.80, 0.00],
        [0.5, 0.00, 0.85],
        [1.0, 0.10, 0.01],
    ]
)
IDS = [f"u{i}" for i in range(6)]


def test_mmr_picks_central_then_diverse_quotes() -> None:
    quotes = representative_quotes(IDS, TEXTS, VECTORS, k=3, diversity=0.6)
    picked = [q.unit_id for q in quotes]
    assert picked[0] in {"u0", "u1", "u2"}
    assert set(picked[1:]) == {"u3", "u4"}


def test_without_diversity_the_most_central_win() -> None:
    quotes = representative_quotes(
        IDS, TEXTS, VECTORS, k=2, diversity=0.0, duplicate_similarity=1.1
    )
    assert {q.unit_id for q in quotes} <= {"u0", "u1", "u2"}


def test_excluded_ids_and_short_texts_are_never_quoted() -> None:
    quotes = representative_quotes(IDS, TEXTS, VECTORS, k=6, exclude_ids={"u0", "u3"})
    picked = {q.unit_id for q in quotes}
    assert not picked & {"u0", "u3", "u5"}
    assert quotes and all(q.text == TEXTS[IDS.index(q.unit_id)] for q in quotes)


def test_near_duplicates_are_skipped() -> None:
    quotes = representative_quotes(IDS[:2], TEXTS[:2], VECTORS[:2], k=2)
    assert len(quotes) == 1


def test_centroid_can_be_given() -> None:
    quotes = representative_quotes(IDS, TEXTS, VECTORS, k=1, centroid=np.array([0.0, 0.0, 1.0]))
    assert quotes[0].unit_id == "u4"
    assert quotes[0].similarity == pytest.approx(0.85 / np.linalg.norm([0.5, 0, 0.85]))


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        representative_quotes(IDS, TEXTS[:2], VECTORS)
