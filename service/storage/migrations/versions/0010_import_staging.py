"""import staging area: staged_imports and staged_chunks (redacted chunks swapped in at the end)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:15:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "staged_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("community_slug", sa.String(length=64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_staged", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_imports")),
        sa.UniqueConstraint("token", name=op.f("uq_staged_imports_token")),
    )
    with op.batch_alter_table("staged_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staged_imports_updated_at"), ["updated_at"], unique=False
        )
    op.create_table(
        "staged_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staged_import_id", sa.Integer(), nullable=False),
        sa.Column("chunk", sa.Integer(), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staged_import_id"],
            ["staged_imports.id"],
            name=op.f("fk_staged_chunks_staged_import_id_staged_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staged_chunks")),
        sa.UniqueConstraint("staged_import_id", "chunk", name="uq_staged_chunks"),
    )
    with op.batch_alter_table("staged_chunks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staged_chunks_staged_import_id"), ["staged_import_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("staged_chunks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staged_chunks_staged_import_id"))
    op.drop_table("staged_chunks")
    with op.batch_alter_table("staged_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staged_imports_updated_at"))
    op.drop_table("staged_imports")
