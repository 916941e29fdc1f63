"""Tables added after the baseline: commitment_updates, data_versions, rate_hits, batch_remotes,
web_sessions, batch_remote_items, plan_baselines. Each is created only when absent, so a
database a development build made with `create_all` is adopted without an error.

Revision ID: 0002_tables_after_baseline
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_tables_after_baseline"
down_revision: str | None = "0001_baseline"
branch_labels: str | None = None
depends_on: str | None = None

TABLES = (
    "commitment_updates",
    "data_versions",
    "rate_hits",
    "batch_remotes",
    "web_sessions",
    "batch_remote_items",
    "plan_baselines",
)


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "commitment_updates" not in present:
        op.create_table(
            "commitment_updates",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("commitment_id", sa.String(length=64), nullable=False),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("note", sa.Text(), nullable=True),
            sa.Column(
                "changed_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(
            op.f("ix_commitment_updates_commitment_id"),
            "commitment_updates",
            ["commitment_id"],
            unique=False,
        )
    if "data_versions" not in present:
        op.create_table(
            "data_versions",
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("team"),
        )
    if "rate_hits" not in present:
        op.create_table(
            "rate_hits",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("at", sa.Float(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_rate_hits_key_at", "rate_hits", ["key", "at"], unique=False)
    if "batch_remotes" not in present:
        op.create_table(
            "batch_remotes",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("job_id", sa.String(length=32), nullable=False),
            sa.Column("round", sa.Integer(), nullable=False),
            sa.Column("state", sa.String(length=12), nullable=False),
            sa.Column("input_file_id", sa.String(length=200), nullable=False),
            sa.Column("remote_batch_id", sa.String(length=200), nullable=True),
            sa.Column("remote_status", sa.String(length=20), nullable=True),
            sa.Column("output_file_id", sa.String(length=200), nullable=True),
            sa.Column("error_file_id", sa.String(length=200), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.ForeignKeyConstraint(
                ["job_id"],
                ["batch_jobs.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(op.f("ix_batch_remotes_job_id"), "batch_remotes", ["job_id"], unique=False)
    if "web_sessions" not in present:
        op.create_table(
            "web_sessions",
            sa.Column("session_hash", sa.String(length=64), nullable=False),
            sa.Column("token_id", sa.String(length=32), nullable=False),
            sa.Column("csrf", sa.String(length=64), nullable=False),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["token_id"],
                ["api_tokens.token_id"],
            ),
            sa.PrimaryKeyConstraint("session_hash"),
        )
        op.create_index(
            op.f("ix_web_sessions_token_id"), "web_sessions", ["token_id"], unique=False
        )
    if "batch_remote_items" not in present:
        op.create_table(
            "batch_remote_items",
            sa.Column("remote_id", sa.Integer(), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("custom_id", sa.String(length=200), nullable=False),
            sa.Column("prompt_hash", sa.String(length=64), nullable=False),
            sa.Column("reply", sa.JSON(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("ended", sa.Boolean(), nullable=False),
            sa.ForeignKeyConstraint(
                ["remote_id"],
                ["batch_remotes.id"],
            ),
            sa.PrimaryKeyConstraint("remote_id", "rep_id"),
        )
    if "plan_baselines" not in present:
        op.create_table(
            "plan_baselines",
            sa.Column("draft_id", sa.Integer(), nullable=False),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("month", sa.String(length=7), nullable=False),
            sa.Column("metric", sa.String(length=50), nullable=False),
            sa.Column("capability", sa.String(length=20), nullable=False),
            sa.Column("baseline", sa.Float(), nullable=False),
            sa.Column("target", sa.Float(), nullable=False),
            sa.Column("approved_by", sa.String(length=200), nullable=True),
            sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["draft_id"],
                ["drafts.id"],
            ),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.PrimaryKeyConstraint("draft_id"),
        )
        op.create_index(
            "ix_plan_baselines_rep", "plan_baselines", ["team", "rep_id", "month"], unique=False
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
