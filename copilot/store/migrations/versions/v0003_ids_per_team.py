"""Rep, call, session and commitment ids unique per team: activity, calls, sessions and
commitments gain a `team` (their rep's), every key becomes (team, id) and every reference to a
rep or a session names the team too. Nothing is lost: rows keep their values.

PostgreSQL alters the tables in place. SQLite cannot change a key, so each table is rebuilt by
copying (Alembic's batch mode), with foreign keys off (`upgrade_schema` turns them off outside
the transaction, as SQLite requires) and checked again at the end.

Revision ID: 0003_ids_per_team
Revises: 0002_tables_after_baseline
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision = "0003_ids_per_team"
down_revision: str | None = "0002_tables_after_baseline"
branch_labels: str | None = None
depends_on: str | None = None

# The tables that gain a team, filled from their rep's.
GAIN_TEAM = ("activity", "calls", "sessions", "commitments")
REP = (["team", "rep_id"], ["reps.team", "reps.rep_id"])
SESSION = (["team", "session_id"], ["sessions.team", "sessions.session_id"])
DRAFT = (["draft_id"], ["drafts.id"])
Ref = tuple[list[str], list[str]]


class Shape(NamedTuple):
    """What a table's key, references and indexes are at one revision (no dataclass: Alembic
    loads this file outside `sys.modules`). A reference's name is None when unnamed."""

    key: list[str]
    refs: tuple[tuple[str | None, Ref], ...] = ()
    indexes: tuple[tuple[str, list[str]], ...] = ()


OWNER = ["team", "manager", "rep_id", "id"]
PLAN = ["team", "rep_id", "month"]
AFTER = {
    "reps": Shape(["team", "rep_id"]),
    "activity": Shape(["team", "rep_id", "period"], (("fk_activity_rep", REP),)),
    "calls": Shape(["team", "call_id"], (("fk_calls_rep", REP),), (("ix_calls_rep", REP[0]),)),
    "sessions": Shape(
        ["team", "session_id"], (("fk_sessions_rep", REP),), (("ix_sessions_rep", REP[0]),)
    ),
    "commitments": Shape(
        ["team", "commitment_id"],
        (("fk_commitments_rep", REP), ("fk_commitments_session", SESSION)),
        (("ix_commitments_rep", REP[0]), ("ix_commitments_session", SESSION[0])),
    ),
    "drafts": Shape(["id"], (("fk_drafts_rep", REP),), (("ix_drafts_rep", REP[0]),)),
    "chat_turns": Shape(["id"], (("fk_chat_turns_rep", REP),), (("ix_chat_turns_owner", OWNER),)),
    "plan_baselines": Shape(
        ["draft_id"],
        ((None, DRAFT), ("fk_plan_baselines_rep", REP)),
        (("ix_plan_baselines_rep", PLAN),),
    ),
    "commitment_updates": Shape(
        ["id"], indexes=(("ix_commitment_updates_commitment", ["team", "commitment_id"]),)
    ),
}
OLD_REP = (["rep_id"], ["reps.rep_id"])
OLD_SESSION = (["session_id"], ["sessions.session_id"])
BEFORE = {
    "reps": Shape(["rep_id"], indexes=(("ix_reps_team", ["team"]),)),
    "activity": Shape(["rep_id", "period"], ((None, OLD_REP),)),
    "calls": Shape(["call_id"], ((None, OLD_REP),), (("ix_calls_rep_id", ["rep_id"]),)),
    "sessions": Shape(["session_id"], ((None, OLD_REP),), (("ix_sessions_rep_id", ["rep_id"]),)),
    "commitments": Shape(
        ["commitment_id"],
        ((None, OLD_REP), (None, OLD_SESSION)),
        (("ix_commitments_rep_id", ["rep_id"]), ("ix_commitments_session_id", ["session_id"])),
    ),
    "drafts": Shape(
        ["id"], ((None, OLD_REP),), (("ix_drafts_rep_id", ["rep_id"]), ("ix_drafts_team", ["team"]))
    ),
    "chat_turns": Shape(["id"], ((None, OLD_REP),), (("ix_chat_turns_owner", OWNER),)),
    "plan_baselines": Shape(
        ["draft_id"], ((None, DRAFT), (None, OLD_REP)), (("ix_plan_baselines_rep", PLAN),)
    ),
    "commitment_updates": Shape(
        ["id"], indexes=(("ix_commitment_updates_commitment_id", ["commitment_id"]),)
    ),
}


def _reps_team(name: str) -> str:
    """SQL for the team of the rep of a row of `name` (one of the constant names above)."""
    return f"(SELECT reps.team FROM reps WHERE reps.rep_id = {name}.rep_id)"  # noqa: S608


def upgrade() -> None:
    for name in GAIN_TEAM:
        op.add_column(name, sa.Column("team", sa.String(length=100), nullable=True))
        op.execute(f"UPDATE {name} SET team = {_reps_team(name)}")  # noqa: S608
    # A rep could change team before ids were per team; the rows it left under the old team
    # follow it, so that every (team, rep_id) names a rep.
    for name in ("drafts", "chat_turns", "plan_baselines"):
        team = _reps_team(name)
        op.execute(f"UPDATE {name} SET team = {team} WHERE team <> {team}")  # noqa: S608
    _reshape(AFTER, drop_team=False)


def downgrade() -> None:
    keys = {"reps": "rep_id", "calls": "call_id", "sessions": "session_id"}
    for name, key in (keys | {"commitments": "commitment_id"}).items():
        query = f"SELECT {key} FROM {name} GROUP BY {key} HAVING COUNT(*) > 1"  # noqa: S608
        twice = op.get_bind().exec_driver_sql(query).first()
        if twice is not None:
            raise RuntimeError(f"{key} '{twice[0]}' is used by two teams: ids were global before")
    _reshape(BEFORE, drop_team=True)


def _reshape(shapes: dict[str, Shape], drop_team: bool) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, shape in shapes.items():
            _rebuild(name, shape, drop_team and name in GAIN_TEAM)
        problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").first()
        if problems is not None:
            raise RuntimeError(f"a reference does not hold after the rebuild: {tuple(problems)}")
        return
    _drop_references_and_indexes(shapes)
    for name, shape in shapes.items():
        if name in GAIN_TEAM or name == "reps":
            _swap_key(name, shape, drop_team and name in GAIN_TEAM)
    for name, shape in shapes.items():
        for fk_name, (cols, refs) in shape.refs:
            table = refs[0].split(".")[0]
            if table in ("reps", "sessions"):
                remote = [r.split(".")[1] for r in refs]
                op.create_foreign_key(fk_name, name, table, cols, remote)
        for index, cols in shape.indexes:
            op.create_index(index, name, cols)


def _rebuild(name: str, shape: Shape, drop_team: bool) -> None:
    """SQLite: copy the table into its new shape (Alembic's batch mode renames it back)."""
    old = sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())
    columns = [
        sa.Column(
            c.name,
            c.type,
            nullable=c.name not in shape.key and c.name != "team" and bool(c.nullable),
            server_default=c.server_default.arg if c.server_default is not None else None,  # type: ignore[attr-defined]
        )
        for c in old.columns
        if not (drop_team and c.name == "team")
    ]
    new = sa.Table(name, sa.MetaData(), *columns, sa.PrimaryKeyConstraint(*shape.key))
    for fk_name, (cols, refs) in shape.refs:
        new.append_constraint(sa.ForeignKeyConstraint(cols, refs, name=fk_name))
    for uq in sa.inspect(op.get_bind()).get_unique_constraints(name):
        new.append_constraint(sa.UniqueConstraint(*uq["column_names"], name=uq["name"]))
    for index, cols in shape.indexes:
        sa.Index(index, *[new.c[c] for c in cols])
    with op.batch_alter_table(name, copy_from=new, recreate="always"):
        pass


def _drop_references_and_indexes(shapes: dict[str, Shape]) -> None:
    """PostgreSQL: the references to reps and sessions go first, so their keys can change."""
    found = sa.inspect(op.get_bind())
    for name in shapes:
        for fk in found.get_foreign_keys(name):
            if fk["referred_table"] in ("reps", "sessions") and fk["name"]:
                op.drop_constraint(fk["name"], name, type_="foreignkey")
        for reflected in found.get_indexes(name):
            if reflected["name"] and reflected["name"].startswith("ix_"):
                op.drop_index(reflected["name"], table_name=name)


def _swap_key(name: str, shape: Shape, drop_team: bool) -> None:
    """PostgreSQL: the table's primary key becomes `shape.key` (keeping its name)."""
    key = sa.inspect(op.get_bind()).get_pk_constraint(name)["name"] or f"{name}_pkey"
    op.drop_constraint(key, name, type_="primary")
    if drop_team:
        op.drop_column(name, "team")
    else:
        op.alter_column(name, "team", nullable=False)
    op.create_primary_key(key, name, shape.key)
