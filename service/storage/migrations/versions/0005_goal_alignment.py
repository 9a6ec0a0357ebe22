"""goal alignment: the latest analysis's alignment stored with each goal

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alignment", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("aligned_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("aligned_job_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_column("aligned_job_id")
        batch_op.drop_column("aligned_at")
        batch_op.drop_column("alignment")
