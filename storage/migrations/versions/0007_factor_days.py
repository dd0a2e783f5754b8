"""factor days: possible triggers logged for a day without an attack, one row per day and code

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:15:47.329373
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "factor_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_factor_day_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factor_day")),
        sa.UniqueConstraint("user_id", "day", "code", name=op.f("uq_factor_day_user_id")),
    )
    with op.batch_alter_table("factor_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_factor_day_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("factor_day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_factor_day_user_id"))
    op.drop_table("factor_day")
