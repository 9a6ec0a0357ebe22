"""theme editor: theme edits and their history (issue 19)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 13:10:00.000000

Reserved so that work on several issues can add tables side by side; the issue's owner fills it in.

"""

from typing import Sequence, Union


# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
