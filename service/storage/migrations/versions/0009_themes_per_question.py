"""themes per question, several themes per answer, parent and fine themes

Themes gain the question whose answers they gather (None: community-wide), a parent theme and a
level; ``answer_themes`` codes an answer to every theme of its scope it speaks to, with the unit
that carries the evidence; ``theme_summary_sentences`` holds a theme's cited summary. Answers gain
their detected language, submissions the data row of the uploaded file.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 03:30:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _fk(table: str, column: str, target: str, ondelete: str, *, nullable: bool) -> sa.Column:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(
            f"{target}.id", name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
        ),
        nullable=nullable,
    )


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("level", sa.String(length=16), nullable=False, server_default="fine")
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_themes_question_id_questions"),
            "questions",
            ["question_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_themes_parent_id_themes"),
            "themes",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_themes_question_id"), ["question_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_themes_parent_id"), ["parent_id"], unique=False)
    op.create_table(
        "answer_themes",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("answer_themes", "community_id", "communities", "CASCADE", nullable=False),
        _fk("answer_themes", "answer_id", "responses", "CASCADE", nullable=False),
        _fk("answer_themes", "theme_id", "themes", "CASCADE", nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        _fk("answer_themes", "evidence_unit_id", "units", "SET NULL", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_themes")),
        sa.UniqueConstraint("answer_id", "theme_id", name="uq_answer_themes_answer_theme"),
    )
    with op.batch_alter_table("answer_themes", schema=None) as batch_op:
        for column in ("community_id", "answer_id", "theme_id"):
            batch_op.create_index(batch_op.f(f"ix_answer_themes_{column}"), [column], unique=False)
    op.create_table(
        "theme_summary_sentences",
        sa.Column("id", sa.Integer(), nullable=False),
        _fk("theme_summary_sentences", "theme_id", "themes", "CASCADE", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answer_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_summary_sentences")),
    )
    with op.batch_alter_table("theme_summary_sentences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_theme_summary_sentences_theme_id"), ["theme_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema: per-question and parent themes are retired (the older schema has only
    community-wide fine themes; kept active they would count the same answers twice)."""
    op.execute(
        "UPDATE themes SET status = 'retired' WHERE level = 'parent' OR question_id IS NOT NULL"
    )
    op.drop_table("theme_summary_sentences")
    op.drop_table("answer_themes")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_parent_id"))
        batch_op.drop_index(batch_op.f("ix_themes_question_id"))
        batch_op.drop_constraint(batch_op.f("fk_themes_parent_id_themes"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_themes_question_id_questions"), type_="foreignkey")
        batch_op.drop_column("level")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("question_id")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("source_row")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("language")
