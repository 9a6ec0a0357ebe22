"""single sign-on: identity-provider accounts and claim mappings (issue 24)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 13:10:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("claim_values", sa.JSON(), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sso_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("issuer", "subject", name="uq_sso_identities_subject"),
        sa.UniqueConstraint("user_id", name=op.f("uq_sso_identities_user_id")),
    )
    op.create_table(
        "sso_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_value", sa.String(length=500), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_sso_mappings_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_mappings")),
        sa.UniqueConstraint("claim_value", "community_id", name="uq_sso_mappings_claim_value"),
    )
    with op.batch_alter_table("sso_mappings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sso_mappings_community_id"), ["community_id"], unique=False
        )
    op.create_table(
        "sso_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=128), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("next_path", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_logins")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_sso_logins_state_hash")),
    )
    with op.batch_alter_table("sso_logins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sso_logins_created_at"), ["created_at"], unique=False)
    op.create_table(
        "sso_sessions",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["sso_identities.id"],
            name=op.f("fk_sso_sessions_identity_id_sso_identities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_sso_sessions_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", name=op.f("pk_sso_sessions")),
    )
    with op.batch_alter_table("sso_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sso_sessions_identity_id"), ["identity_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("sso_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_sessions_identity_id"))
    op.drop_table("sso_sessions")
    with op.batch_alter_table("sso_logins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_logins_created_at"))
    op.drop_table("sso_logins")
    with op.batch_alter_table("sso_mappings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sso_mappings_community_id"))
    op.drop_table("sso_mappings")
    op.drop_table("sso_identities")
