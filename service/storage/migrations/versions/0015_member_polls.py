"""member polls and you-said-we-did (issue 20)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 13:10:00.000000

Reserved so that work on several issues can add tables side by side; the issue's owner fills it in.

"""

from typing import Sequence, Union


# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
