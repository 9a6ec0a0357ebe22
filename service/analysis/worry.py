"""Stage: score each unit's worry (level, probability) and sentiment, once per unit."""

from __future__ import annotations

from service.analysis.context import Analysis, Context, Embedded, Progress
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import units as unit_rows


def score_units(models: ModelStore, embedded: Embedded) -> list[dict[str, float | int]]:
    """Score the units that have no worry level yet; updates them and returns the changes."""
    units, vectors = embedded.units, embedded.vectors
    todo = [i for i, u in enumerate(units) if u.concern_level is None]
    if not todo:
        return []
    # Each sentence is read with its answer: a fragment ("Trying not to spiral.") in a worried
    # answer is worry. A response's units are stored together, so they are scored together.
    scores = models.concern_scorer.score_embedded(
        [units[i].text for i in todo],
        vectors[todo],
        answers=[units[i].response_id for i in todo],
    )
    changes: list[dict[str, float | int]] = []
    for i, score in zip(todo, scores, strict=True):
        unit = units[i]
        unit.concern_level = int(score.level)
        unit.concern_probability = float(score.probability)
        unit.sentiment = float(score.sentiment)
        changes.append(
            {
                "id": unit.id,
                "concern_level": unit.concern_level,
                "concern_probability": unit.concern_probability,
                "sentiment": unit.sentiment,
            }
        )
    return changes


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: scores ``analysis.embedded``'s units in place and stores the scores."""
    changes = score_units(context.models, analysis.need_embedded())
    with db.transaction(context.engine, write=True) as session:
        unit_rows.set_scores(session, changes)
