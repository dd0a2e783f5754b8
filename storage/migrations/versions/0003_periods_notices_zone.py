"""periods, once-only notices, a zone nobody chose, medicine checks, capsule size unknown

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 19:35:34.049829
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notice_sent_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_sent")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_notice_sent_user_id")),
    )
    with op.batch_alter_table("notice_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_sent_user_id"), ["user_id"], unique=False)

    op.create_table(
        "period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started", sa.Boolean(), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_period_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period")),
        sa.UniqueConstraint("user_id", "day", name=op.f("uq_period_user_id")),
    )
    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_period_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("medication_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_prompt_medication_id_medication_taken"),
            "medication_taken",
            ["medication_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timezone_chosen", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.alter_column("capsule_mg", existing_type=sa.Float(), nullable=True)
    # Anyone who is not on the default zone chose theirs.
    op.execute(sa.text("UPDATE \"user\" SET timezone_chosen = TRUE WHERE timezone <> 'UTC'"))


def downgrade() -> None:
    op.execute(sa.text('UPDATE "user" SET capsule_mg = 100 WHERE capsule_mg IS NULL'))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("capsule_mg", existing_type=sa.Float(), nullable=False)
        batch_op.drop_column("timezone_chosen")

    with op.batch_alter_table("prompt", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_prompt_medication_id_medication_taken"), type_="foreignkey"
        )
        batch_op.drop_column("medication_id")

    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_period_user_id"))
    op.drop_table("period")

    with op.batch_alter_table("notice_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_sent_user_id"))
    op.drop_table("notice_sent")
