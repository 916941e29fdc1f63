"""Baseline: the schema of the last release without migrations (commit 0c3b73a), written out.

Written out table by table, never generated from the live metadata, so that later changes to
`copilot/store/tables.py` need revisions of their own (the head test compares the two). Each
table is created only when absent: a database that release's `create_all` made is adopted by
running this revision, which adds only the tables an older copy lacked.

Revision ID: 0001_baseline
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TABLES = (
    "api_tokens",
    "batch_jobs",
    "reps",
    "activity",
    "batch_items",
    "calls",
    "chat_turns",
    "drafts",
    "sessions",
    "commitments",
    "draft_reviews",
)


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "api_tokens" not in present:
        op.create_table(
            "api_tokens",
            sa.Column("token_id", sa.String(length=32), nullable=False),
            sa.Column("secret_hash", sa.String(length=64), nullable=False),
            sa.Column("manager", sa.String(length=200), nullable=False),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("revoked", sa.Boolean(), nullable=False),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.PrimaryKeyConstraint("token_id"),
        )
        op.create_index(op.f("ix_api_tokens_team"), "api_tokens", ["team"], unique=False)
    if "batch_jobs" not in present:
        op.create_table(
            "batch_jobs",
            sa.Column("id", sa.String(length=32), nullable=False),
            sa.Column("idempotency_key", sa.String(length=400), nullable=False),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("month", sa.String(length=7), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("concurrency", sa.Integer(), nullable=True),
            sa.Column("counts", sa.JSON(), nullable=False),
            sa.Column("runner", sa.String(length=200), nullable=True),
            sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("idempotency_key", name="uq_batch_jobs_idempotency_key"),
            sa.UniqueConstraint("team", "month", "kind", name="uq_batch_jobs_scope"),
        )
        op.create_index(op.f("ix_batch_jobs_team"), "batch_jobs", ["team"], unique=False)
    if "reps" not in present:
        op.create_table(
            "reps",
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("email", sa.String(length=320), nullable=True),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("manager", sa.String(length=200), nullable=False),
            sa.Column("role", sa.String(length=100), nullable=True),
            sa.Column("start_date", sa.Date(), nullable=False),
            sa.Column("goal", sa.Text(), nullable=True),
            sa.Column("desire_rating", sa.Integer(), nullable=True),
            sa.PrimaryKeyConstraint("rep_id"),
        )
        op.create_index(op.f("ix_reps_team"), "reps", ["team"], unique=False)
    if "activity" not in present:
        op.create_table(
            "activity",
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("period", sa.String(length=7), nullable=False),
            sa.Column("quota", sa.Float(), nullable=False),
            sa.Column("revenue", sa.Float(), nullable=False),
            sa.Column("dials", sa.Integer(), nullable=False),
            sa.Column("conversations", sa.Integer(), nullable=False),
            sa.Column("meetings", sa.Integer(), nullable=False),
            sa.Column("demos", sa.Integer(), nullable=False),
            sa.Column("proposals", sa.Integer(), nullable=False),
            sa.Column("wins", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.PrimaryKeyConstraint("rep_id", "period"),
        )
    if "batch_items" not in present:
        op.create_table(
            "batch_items",
            sa.Column("job_id", sa.String(length=32), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("state", sa.String(length=10), nullable=False),
            sa.Column("draft_id", sa.Integer(), nullable=True),
            sa.Column("source", sa.String(length=20), nullable=True),
            sa.Column("guard_passed", sa.Boolean(), nullable=True),
            sa.Column("reused", sa.Boolean(), nullable=False),
            sa.Column("error", sa.Text(), nullable=True),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["job_id"],
                ["batch_jobs.id"],
            ),
            sa.PrimaryKeyConstraint("job_id", "rep_id"),
        )
    if "calls" not in present:
        op.create_table(
            "calls",
            sa.Column("call_id", sa.String(length=64), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("account", sa.String(length=200), nullable=False),
            sa.Column("stage", sa.String(length=50), nullable=False),
            sa.Column("source", sa.String(length=10), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("transcript", sa.Text(), nullable=True),
            sa.Column("manager_notes", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.PrimaryKeyConstraint("call_id"),
        )
        op.create_index(op.f("ix_calls_rep_id"), "calls", ["rep_id"], unique=False)
    if "chat_turns" not in present:
        op.create_table(
            "chat_turns",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("manager", sa.String(length=200), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("role", sa.String(length=20), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("source", sa.String(length=20), nullable=True),
            sa.Column("evidence_ids", sa.JSON(), nullable=False),
            sa.Column("draft_id", sa.Integer(), nullable=True),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index(
            "ix_chat_turns_owner", "chat_turns", ["team", "manager", "rep_id", "id"], unique=False
        )
    if "drafts" not in present:
        op.create_table(
            "drafts",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("idempotency_key", sa.String(length=300), nullable=False),
            sa.Column("team", sa.String(length=100), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("period", sa.String(length=7), nullable=True),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("source", sa.String(length=20), nullable=False),
            sa.Column("payload", sa.JSON(), nullable=False),
            sa.Column("model", sa.String(length=200), nullable=False),
            sa.Column("prompt_hash", sa.String(length=64), nullable=True),
            sa.Column("evidence_ids", sa.JSON(), nullable=False),
            sa.Column("guard_report", sa.JSON(), nullable=False),
            sa.Column("attempts", sa.Integer(), nullable=False),
            sa.Column("timings", sa.JSON(), nullable=False),
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.func.now(),
                nullable=False,
            ),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("idempotency_key", name="uq_drafts_idempotency_key"),
        )
        op.create_index(op.f("ix_drafts_rep_id"), "drafts", ["rep_id"], unique=False)
        op.create_index(op.f("ix_drafts_team"), "drafts", ["team"], unique=False)
    if "sessions" not in present:
        op.create_table(
            "sessions",
            sa.Column("session_id", sa.String(length=64), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("focus", sa.String(length=200), nullable=False),
            sa.Column("notes", sa.Text(), nullable=False),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.PrimaryKeyConstraint("session_id"),
        )
        op.create_index(op.f("ix_sessions_rep_id"), "sessions", ["rep_id"], unique=False)
    if "commitments" not in present:
        op.create_table(
            "commitments",
            sa.Column("commitment_id", sa.String(length=64), nullable=False),
            sa.Column("session_id", sa.String(length=64), nullable=False),
            sa.Column("rep_id", sa.String(length=64), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("due", sa.Date(), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.ForeignKeyConstraint(
                ["rep_id"],
                ["reps.rep_id"],
            ),
            sa.ForeignKeyConstraint(
                ["session_id"],
                ["sessions.session_id"],
            ),
            sa.PrimaryKeyConstraint("commitment_id"),
        )
        op.create_index(op.f("ix_commitments_rep_id"), "commitments", ["rep_id"], unique=False)
        op.create_index(
            op.f("ix_commitments_session_id"), "commitments", ["session_id"], unique=False
        )
    if "draft_reviews" not in present:
        op.create_table(
            "draft_reviews",
            sa.Column("draft_id", sa.Integer(), nullable=False),
            sa.Column("approved_by", sa.String(length=200), nullable=True),
            sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("edited_by", sa.String(length=200), nullable=True),
            sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("original_payload", sa.JSON(), nullable=True),
            sa.Column("original_guard", sa.JSON(), nullable=True),
            sa.ForeignKeyConstraint(
                ["draft_id"],
                ["drafts.id"],
            ),
            sa.PrimaryKeyConstraint("draft_id"),
        )


def downgrade() -> None:
    for table in reversed(TABLES):  # dependants first
        op.drop_table(table)
