"""codebook: the committee's codes and its decisions on new candidate themes (issue 19)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 13:10:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("parent", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("codes", "community_id", "communities", "CASCADE"),
        _fk("codes", "question_id", "questions", "CASCADE"),
        _fk("codes", "theme_id", "themes", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
    )
    with op.batch_alter_table("codes", schema=None) as batch_op:
        for column in ("community_id", "question_id", "theme_id"):
            batch_op.create_index(batch_op.f(f"ix_codes_{column}"), [column], unique=False)
    op.create_table(
        "codebook_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("codebook_decisions", "community_id", "communities", "CASCADE"),
        _fk("codebook_decisions", "theme_id", "themes", "SET NULL"),
        _fk("codebook_decisions", "question_id", "questions", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codebook_decisions")),
    )
    with op.batch_alter_table("codebook_decisions", schema=None) as batch_op:
        for column in ("community_id", "theme_id"):
            batch_op.create_index(
                batch_op.f(f"ix_codebook_decisions_{column}"), [column], unique=False
            )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("codebook_decisions")
    op.drop_table("codes")
