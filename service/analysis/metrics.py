"""Stage: the community's quantitative signals (attendance, satisfaction) for the result."""

from __future__ import annotations

from service.analysis.context import Analysis, Context, Progress
from service.storage import db
from service.storage.repositories import metrics as metric_rows
from service.storage.tables import Community


def run(context: Context, analysis: Analysis, progress: Progress) -> None:
    """The stage: sets ``analysis.metrics`` (nothing is stored; the figures are read)."""
    with db.transaction(context.engine) as session:
        community = session.get_one(Community, context.community_id)
        analysis.metrics = metric_rows.community_metrics(session, community, context.privacy)
