"""theme editor: the committee's moves of single answers, kept by later analyses (issue 19)

The edits themselves (rename, describe, merge, split, move, create, retire, undo) are audited in
``audit_log`` with their before and after; this table holds the moves that later analyses must
keep.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 13:10:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "answer_pins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("from_theme_id", sa.Integer(), nullable=True),
        sa.Column("to_theme_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_answer_pins_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["responses.id"],
            name=op.f("fk_answer_pins_answer_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_theme_id"],
            ["themes.id"],
            name=op.f("fk_answer_pins_from_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_theme_id"],
            ["themes.id"],
            name=op.f("fk_answer_pins_to_theme_id_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_pins")),
    )
    with op.batch_alter_table("answer_pins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_pins_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_answer_pins_answer_id"), ["answer_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("answer_pins")
