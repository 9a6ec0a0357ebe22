"""theme figures in typed columns and tables instead of the JSON column themes.summary

What one analysis stage gives the next (a theme's figures, weekly counts, quotes, worry, the
goals it speaks to, its goal gap) moves out of ``themes.summary`` into columns and tables; the
data of earlier runs is moved across, and the JSON column goes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:00:00.000000

"""

import json
from typing import Any, Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

WORRY = (
    "rank",
    "score",
    "concerned_respondents",
    "severe_respondents",
    "intensity",
    "trend",
    "concern_share",
    "sentiment",
    "reason",
    "suppressed",
)
GAP = (
    "label",
    "members",
    "share_of_members",
    "trend",
    "reason",
    "keywords",
    "quotes",
    "closest_goal",
    "closest_similarity",
)


def _theme_fk(table: str) -> sa.Column:
    return sa.Column(
        "theme_id",
        sa.Integer(),
        sa.ForeignKey("themes.id", name=op.f(f"fk_{table}_theme_id_themes"), ondelete="CASCADE"),
        nullable=False,
    )


def _create_tables() -> None:
    op.create_table(
        "theme_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        _theme_fk("theme_weeks"),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_weeks")),
        sa.UniqueConstraint("theme_id", "week", name="uq_theme_weeks_theme_week"),
    )
    op.create_table(
        "theme_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        _theme_fk("theme_quotes"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_quotes")),
    )
    op.create_table(
        "theme_worries",
        _theme_fk("theme_worries"),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("concerned_respondents", sa.Integer(), nullable=True),
        sa.Column("severe_respondents", sa.Integer(), nullable=True),
        sa.Column("intensity", sa.Float(), nullable=True),
        sa.Column("trend", sa.String(length=16), nullable=True),
        sa.Column("concern_share", sa.Float(), nullable=True),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("suppressed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("theme_id", name=op.f("pk_theme_worries")),
    )
    op.create_table(
        "theme_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        _theme_fk("theme_goals"),
        sa.Column(
            "goal_id",
            sa.Integer(),
            sa.ForeignKey("goals.id", name=op.f("fk_theme_goals_goal_id_goals"), ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("gap", sa.String(length=40), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("barriers", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_goals")),
    )
    op.create_table(
        "theme_goal_gaps",
        _theme_fk("theme_goal_gaps"),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("share_of_members", sa.Float(), nullable=False),
        sa.Column("trend", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("closest_goal", sa.Integer(), nullable=True),
        sa.Column("closest_similarity", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("theme_id", name=op.f("pk_theme_goal_gaps")),
    )
    for table in ("theme_weeks", "theme_quotes", "theme_goals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_theme_id"), ["theme_id"], unique=False)
    with op.batch_alter_table("theme_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_goals_goal_id"), ["goal_id"], unique=False)


def _loaded(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _move_summaries_out() -> None:
    """Each theme's summary JSON into the new columns and rows."""
    bind = op.get_bind()
    meta = sa.MetaData()
    tables = {
        name: sa.Table(name, meta, autoload_with=bind)
        for name in ("themes", "theme_weeks", "theme_quotes", "theme_worries", "theme_goals")
    }
    gaps = sa.Table("theme_goal_gaps", meta, autoload_with=bind)
    goal_ids = {row[0] for row in bind.execute(sa.text("SELECT id FROM goals"))}
    themes = tables["themes"]
    for theme_id, label, name, raw in bind.execute(
        sa.select(themes.c.id, themes.c.label, themes.c.name, themes.c.summary)
    ).all():
        summary = _loaded(raw)
        suppressed = bool(summary.get("suppressed", False))
        bind.execute(
            themes.update()
            .where(themes.c.id == theme_id)
            .values(
                unit_count=int(summary.get("units") or 0),
                member_count=None if suppressed else summary.get("respondents"),
                share=float(summary.get("share") or 0.0),
                trend=str(summary.get("trend") or "steady"),
                suppressed=suppressed,
            )
        )
        weeks = {
            str(w["week"]): w.get("count")
            for w in summary.get("weekly") or ()
            if isinstance(w, dict) and w.get("week")
        }
        for week, count in weeks.items():
            bind.execute(
                tables["theme_weeks"].insert().values(
                    theme_id=theme_id, week=week, count=None if suppressed else count
                )
            )
        for position, quote in enumerate(summary.get("quotes") or ()):
            if isinstance(quote, dict) and quote.get("text"):
                bind.execute(
                    tables["theme_quotes"].insert().values(
                        theme_id=theme_id,
                        position=position,
                        text=str(quote["text"]),
                        week=quote.get("week"),
                    )
                )
        concern = summary.get("concern")
        if isinstance(concern, dict) and concern.get("rank") is not None:
            bind.execute(
                tables["theme_worries"].insert().values(
                    theme_id=theme_id,
                    label=str(concern.get("label") or name or label),
                    **{k: concern.get(k) for k in WORRY if k not in ("reason", "suppressed")},
                    reason=str(concern.get("reason") or ""),
                    suppressed=bool(concern.get("suppressed", False)),
                )
            )
        for position, goal in enumerate(summary.get("goals") or ()):
            if isinstance(goal, dict) and goal.get("id") in goal_ids:
                bind.execute(
                    tables["theme_goals"].insert().values(
                        theme_id=theme_id,
                        goal_id=goal["id"],
                        position=position,
                        text=str(goal.get("text") or ""),
                        owner=goal.get("owner"),
                        gap=goal.get("gap"),
                        similarity=float(goal.get("similarity") or 0.0),
                        shared=list(goal.get("shared") or ()),
                        barriers=list(goal.get("barriers") or ()),
                        progress=list(goal.get("progress") or ()),
                    )
                )
        gap = summary.get("goal_gap")
        if isinstance(gap, dict) and gap.get("members") is not None:
            bind.execute(
                gaps.insert().values(
                    theme_id=theme_id,
                    **{k: gap.get(k) for k in GAP if k not in ("keywords", "quotes")},
                    keywords=list(gap.get("keywords") or ()),
                    quotes=list(gap.get("quotes") or ()),
                )
            )


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("member_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("share", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("trend", sa.String(length=16), nullable=False, server_default="steady")
        )
        batch_op.add_column(
            sa.Column("suppressed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _create_tables()
    _move_summaries_out()
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_column("summary")


def downgrade() -> None:
    """Downgrade schema: the figures go back into ``themes.summary`` (worry and goals too)."""
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.JSON(), nullable=True))
    bind = op.get_bind()
    meta = sa.MetaData()
    themes = sa.Table("themes", meta, autoload_with=bind)
    weeks = sa.Table("theme_weeks", meta, autoload_with=bind)
    quotes = sa.Table("theme_quotes", meta, autoload_with=bind)
    worries = sa.Table("theme_worries", meta, autoload_with=bind)
    for row in bind.execute(sa.select(themes)).mappings().all():
        summary: dict[str, Any] = {
            "label": row["label"],
            "keywords": row["keywords"],
            "units": row["unit_count"],
            "respondents": row["member_count"],
            "share": row["share"],
            "trend": row["trend"],
            "suppressed": bool(row["suppressed"]),
            "weekly": [
                {"week": w.week, "count": w.count}
                for w in bind.execute(
                    sa.select(weeks).where(weeks.c.theme_id == row["id"]).order_by(weeks.c.week)
                )
            ],
            "quotes": [
                {"text": q.text, "week": q.week}
                for q in bind.execute(
                    sa.select(quotes)
                    .where(quotes.c.theme_id == row["id"])
                    .order_by(quotes.c.position)
                )
            ],
        }
        worry = bind.execute(sa.select(worries).where(worries.c.theme_id == row["id"])).first()
        summary["concern"] = (
            {k: getattr(worry, k) for k in ("label", *WORRY)} if worry is not None else None
        )
        bind.execute(themes.update().where(themes.c.id == row["id"]).values(summary=summary))
    for table in ("theme_goal_gaps", "theme_goals", "theme_worries", "theme_quotes", "theme_weeks"):
        op.drop_table(table)
    with op.batch_alter_table("themes", schema=None) as batch_op:
        for column in ("suppressed", "trend", "share", "member_count", "unit_count"):
            batch_op.drop_column(column)
