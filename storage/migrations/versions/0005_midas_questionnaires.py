"""MIDAS questionnaires: answers kept while half-answered, scored when done

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 20:04:37.215373
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "midas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("q1", sa.Integer(), nullable=True),
        sa.Column("q2", sa.Integer(), nullable=True),
        sa.Column("q3", sa.Integer(), nullable=True),
        sa.Column("q4", sa.Integer(), nullable=True),
        sa.Column("q5", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'done', 'skipped')", name=op.f("ck_midas_status")),
        sa.CheckConstraint("q1 BETWEEN 0 AND 92", name=op.f("ck_midas_q1")),
        sa.CheckConstraint("q2 BETWEEN 0 AND 92", name=op.f("ck_midas_q2")),
        sa.CheckConstraint("q3 BETWEEN 0 AND 92", name=op.f("ck_midas_q3")),
        sa.CheckConstraint("q4 BETWEEN 0 AND 92", name=op.f("ck_midas_q4")),
        sa.CheckConstraint("q5 BETWEEN 0 AND 92", name=op.f("ck_midas_q5")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_midas_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_midas")),
    )
    with op.batch_alter_table("midas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_midas_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("midas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_midas_user_id"))
    op.drop_table("midas")
