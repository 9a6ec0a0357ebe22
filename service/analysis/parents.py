"""Stage: parent themes a committee can read in one screen, over the community-wide fine themes.

The fine themes are as fine as the data supports (no cap); :func:`service.themes.hierarchy.
parent_level` groups the alike ones under at most :data:`~service.themes.hierarchy.MAX_TOP`
top-level themes. A parent is stored as a theme of level ``parent`` with its own label, figures
and identity from run to run; each fine theme under it points to it (``parent_id``). Worry,
agenda, goals and the digest keep reading the fine themes; the themes list shows the parents
with ``?level=parent``.
"""

from __future__ import annotations

import numpy as np

from service.analysis.assignment import known_themes, store_lineage
from service.analysis.context import Analysis, Context, Progress
from service.analysis.trends import store_all, theme_figures
from service.storage import db
from service.storage.tables import Theme
from service.themes.build import build_representation
from service.themes.hierarchy import parent_level
from service.themes.schemas import ThemeResult


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.parents`` and ``analysis.parent_figures``; stores both and
    each fine theme's ``parent_id``."""
    embedded, fine = analysis.need_embedded(), analysis.need_fit()
    norms = np.linalg.norm(embedded.vectors, axis=1, keepdims=True)
    vectors = embedded.vectors / np.where(norms == 0, 1.0, norms)
    level = parent_level(
        [u.text for u in embedded.units],
        vectors,
        fine,
        build_representation(context.settings, context.models),
    )
    parents = ThemeResult(level.assignments, level.parents)
    figures = theme_figures(embedded, parents, context.privacy, seed=context.settings.theme_seed)
    known = known_themes(context.engine, context.community_id, level="parent")
    fine_ids = {stored.index: stored.id for stored in analysis.stored}
    with db.transaction(context.engine, write=True) as session:
        stored, ids = store_lineage(
            session, context.community_id, context.job_id, parents, known, level="parent"
        )
        store_all(session, ids, figures)
        for index, theme_id in fine_ids.items():
            parent = int(level.parent_of[index])
            session.get_one(Theme, theme_id).parent_id = ids.get(parent) if parent >= 0 else None
    analysis.parents = stored
    analysis.parent_figures = figures
    analysis.parent_of = {
        fine_ids[i]: ids[int(p)] for i, p in enumerate(level.parent_of) if p >= 0 and i in fine_ids
    }
