"""import progress and redaction on workers (issue 21)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 14:10:00.000000

staged_imports: status, rows_redacted, what workers need to redact its chunks (the gazetteer
and the free-text questions, deleted with the
run's chunks) and the result kept after the swap-in (``GET .../imports/{id}``); staged_chunks:
whether a chunk is redacted yet and the spans its redaction replaced.

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: Union[str, Sequence[str], None] = "0015"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("staged_imports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="reading")
        )
        batch_op.add_column(
            sa.Column("rows_redacted", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("redaction", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
    with op.batch_alter_table("staged_chunks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("redacted", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("replaced", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("staged_chunks", schema=None) as batch_op:
        batch_op.drop_column("replaced")
        batch_op.drop_column("redacted")
    with op.batch_alter_table("staged_imports", schema=None) as batch_op:
        batch_op.drop_column("result")
        batch_op.drop_column("redaction")
        batch_op.drop_column("rows_redacted")
        batch_op.drop_column("status")
