"""Stage: embed every unit text not in the cache yet (fanned out to Celery workers when set up),
then load the vectors of the units to theme.

The cache is keyed by (model, text hash), so an embedding is computed once per text and model
whichever worker gets there first; the stage can be run again after a crash.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import Engine

from service.analysis.context import Analysis, Context, Embedded, Progress, UnitRow
from service.modelstore import ModelStore
from service.storage import db
from service.storage.repositories import units as unit_rows


def missing_embeddings(engine: Engine, model: str, community_id: int) -> list[str]:
    """Text hashes of the community's units that have no cached embedding for ``model``."""
    with db.transaction(engine) as session:
        return unit_rows.missing_embeddings(session, model, community_id)


def embed_missing(engine: Engine, models: ModelStore, text_hashes: Sequence[str]) -> int:
    """Embed the texts behind ``text_hashes`` that are still missing; safe to run concurrently."""
    embedder = models.embedder
    with db.transaction(engine) as session:
        done = unit_rows.cached_hashes(session, embedder.name, text_hashes)
        todo = [h for h in text_hashes if h not in done]
        texts = unit_rows.texts(session, todo)
    todo = [h for h in todo if h in texts]
    if not todo:
        return 0
    vectors = embedder.embed([texts[h] for h in todo])
    rows = [
        {"model": embedder.name, "text_hash": h, "vector": v.astype(np.float32).tobytes()}
        for h, v in zip(todo, vectors, strict=True)
    ]
    with db.transaction(engine, write=True) as session:
        return unit_rows.store_vectors(session, rows)


def load_embeddings(
    engine: Engine, model: str, text_hashes: Sequence[str]
) -> dict[str, np.ndarray]:
    """Cached vectors by text hash."""
    with db.transaction(engine) as session:
        blobs = unit_rows.vectors(session, model, text_hashes)
    return {h: np.frombuffer(blob, dtype=np.float32) for h, blob in blobs.items()}


def embed_all(context: Context, progress: Progress) -> int:
    """Embed what is missing, in chunks; with Celery the chunks are also fanned out to workers.

    The job itself walks the chunks too, skipping those another worker finished, so it never
    waits on a subtask (no deadlock with a single worker) and the cache is filled exactly once.
    ``progress`` gets the fraction of this stage done.
    """
    engine, models, settings = context.engine, context.models, context.settings
    missing = missing_embeddings(engine, models.embedder.name, context.community_id)
    size = settings.embedding_chunk_size
    chunks = [missing[i : i + size] for i in range(0, len(missing), size)]
    if settings.broker_url and len(chunks) > 1:
        from service.jobs.celery_app import celery_app

        for chunk in chunks[1:]:
            celery_app.send_task("peerpulse.embed_chunk", args=[chunk])
    embedded = 0
    # From the last chunk back: workers take the fanned-out chunks from the front, so the job
    # meets them in the middle instead of embedding the same chunks in the same order.
    for done, chunk in enumerate(reversed(chunks), start=1):
        embedded += embed_missing(engine, models, chunk)
        progress(
            done / len(chunks),
            f"embedded {min(done * size, len(missing))} of {len(missing)} new texts",
        )
    return embedded


def embedded_units(context: Context) -> Embedded:
    """The units to theme that have a cached vector, with their vectors."""
    with db.transaction(context.engine) as session:
        units = [
            UnitRow(**row._asdict()) for row in unit_rows.to_theme(session, context.community_id)
        ]
    name = context.models.embedder.name
    cached = load_embeddings(context.engine, name, [u.text_hash for u in units])
    units = [u for u in units if u.text_hash in cached]
    vectors = (
        np.stack([cached[u.text_hash] for u in units])
        if units
        else np.zeros((0, context.models.embedder.dim), dtype=np.float32)
    )
    return Embedded(units, vectors)


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.embedded``."""
    embed_all(context, progress)
    analysis.embedded = embedded_units(context)
