"""member polls and you-said-we-did (issue 20)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 13:10:00.000000

session_outcomes (what a session did with a topic members raised), polls, poll_invites,
poll_ballots and poll_volunteers (a poll's texts are stored as ordinary answers).

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _index(table: str, column: str, *, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=unique)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "session_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("session_date", sa.DateTime(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("said", sa.String(length=300), nullable=False),
        sa.Column("discussed", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("session_outcomes", "community_id", "communities", "CASCADE"),
        _fk("session_outcomes", "suggestion_id", "suggestions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_outcomes")),
    )
    _index("session_outcomes", "community_id")
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("closes_at", sa.DateTime(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("polls", "community_id", "communities", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
        sa.UniqueConstraint("token", name=op.f("uq_polls_token")),
    )
    _index("polls", "community_id")
    op.create_table(
        "poll_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("respondent_key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("poll_invites", "poll_id", "polls", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_poll_invites_token_hash")),
        sa.UniqueConstraint("poll_id", "respondent_key", name="uq_poll_invites_member"),
    )
    _index("poll_invites", "poll_id")
    op.create_table(
        "poll_ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("invite_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("poll_ballots", "poll_id", "polls", "CASCADE"),
        _fk("poll_ballots", "invite_id", "poll_invites", "SET NULL"),
        _fk("poll_ballots", "submission_id", "submissions", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_ballots")),
        sa.UniqueConstraint("invite_id", name=op.f("uq_poll_ballots_invite_id")),
    )
    _index("poll_ballots", "poll_id")
    _index("poll_ballots", "submission_id")
    op.create_table(
        "poll_volunteers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("poll_volunteers", "poll_id", "polls", "CASCADE"),
        _fk("poll_volunteers", "ballot_id", "poll_ballots", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_volunteers")),
    )
    _index("poll_volunteers", "poll_id")
    _index("poll_volunteers", "ballot_id")


def downgrade() -> None:
    """Downgrade schema."""
    for table, columns in (
        ("poll_volunteers", ("ballot_id", "poll_id")),
        ("poll_ballots", ("submission_id", "poll_id")),
        ("poll_invites", ("poll_id",)),
        ("polls", ("community_id",)),
        ("session_outcomes", ("community_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
