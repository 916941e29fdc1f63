"""Times `check` (the guard on one draft, as `copilot check` and `POST /v1/check` run it) for a
rep of a 20-rep team while the database holds 20, 1,000 and 5,000 reps, and the same check
without the guard's knowledge cache (the closed world read from SQL, the way every check did it
before), to show that a check follows the team, not the organisation.

Synthetic teams are written by direct SQL inserts (no embedding: `check` reads no vectors).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from benchmarks import machine, markdown_table, median, write_result
from benchmarks.synthetic import FIRST, LAST, call_text
from copilot.components import Services
from copilot.drafting.checking import check_draft
from copilot.guard.knowledge import ORDINARY, TEAM_FACTS, TEAM_WORDS
from copilot.guard.record import read_record
from copilot.settings import PROJECT_ROOT, Settings
from copilot.store.database import Store
from copilot.store.tables import Activity, Call, CoachingSession, Commitment, Rep

TEAM_SIZE = 20
TARGET = "team-0000"
REP = "T0000-R00"
PERIODS = ("2026-08", "2026-09", "2026-10")
DRAFT = (
    "At the last demo the buyer raised pricing before discovery was done. What did you hear "
    "just before that, and what would you ask first next time?"
)


def _team_rows(team: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """One team of TEAM_SIZE reps: three months of activity, four calls and a coaching session
    with two commitments each."""
    rng = random.Random(seed * 100_003 + team)
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("reps", "act", "calls", "ses", "com")}
    for r in range(TEAM_SIZE):
        rep_id, name = f"T{team:04d}-R{r:02d}", f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        rows["reps"].append(
            {
                "rep_id": rep_id,
                "name": name,
                "email": None,
                "team": f"team-{team:04d}",
                "manager": f"Manager {team}",
                "role": "Account Executive",
                "start_date": date(2024, 1, 8) + timedelta(days=rng.randint(0, 600)),
                "goal": rng.choice(("Make President's Club", "Promotion to senior AE", None)),
                "desire_rating": rng.choice((None, 2, 3, 4)),
            }
        )
        for period in PERIODS:
            dials = rng.randint(300, 500)
            funnel = [dials, dials // 4, dials // 10, dials // 20, dials // 40, dials // 80]
            names = ("dials", "conversations", "meetings", "demos", "proposals", "wins")
            quota = 50_000.0
            row = {"rep_id": rep_id, "period": period, "quota": quota}
            rows["act"].append(row | dict(zip(names, funnel, strict=True)) | {"revenue": 40_000.0})
        for c in range(4):
            text = call_text(rng, name)
            when = date(2026, 8, 1) + timedelta(days=rng.randint(0, 100))
            rows["calls"].append(
                {"call_id": f"{rep_id}-C{c}", "rep_id": rep_id, "date": when} | text
            )
        sid = f"{rep_id}-S1"
        rows["ses"].append(
            {
                "session_id": sid,
                "rep_id": rep_id,
                "date": date(2026, 10, 2),
                "focus": "discovery",
                "notes": "Reviewed the last discovery call and agreed two things to try.",
            }
        )
        for k, status in enumerate(("done", "open")):
            rows["com"].append(
                {
                    "commitment_id": f"{sid}-K{k}",
                    "session_id": sid,
                    "rep_id": rep_id,
                    "text": f"Ask two open questions before pricing on call {k + 1}",
                    "due": date(2026, 10, 16 + 14 * k),
                    "status": status,
                }
            )
    return rows


def add_teams(services: Services, first: int, last: int, seed: int) -> None:
    """Insert teams `first`..`last - 1` straight into SQL."""
    tables = {
        "reps": Rep,
        "act": Activity,
        "calls": Call,
        "ses": CoachingSession,
        "com": Commitment,
    }
    with services.store.sessions.begin() as session:
        for team in range(first, last):
            rows = _team_rows(team, seed)
            for key, table in tables.items():
                name = f"team-{team:04d}"  # every row carries its team: ids are per team
                session.execute(insert(table), [r | {"team": name} for r in rows[key]])


def _write_session(services: Services, rep_id: str) -> bool:
    """One coaching session added to `rep_id` (as the coaching loop writes); False if no rep."""
    with services.store.sessions.begin() as session:
        rep = session.scalars(select(Rep).where(Rep.rep_id == rep_id)).first()
        if rep is None:
            return False
        n = len(Store.coaching_sessions(session, rep.team, rep_id))
        session.add(
            CoachingSession(
                team=rep.team,
                session_id=f"{rep_id}-W{n}",
                rep_id=rep_id,
                date=date(2026, 11, 2),
                focus="discovery",
                notes="Listened to one more call together.",
            )
        )
    return True


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _check(services: Services) -> float:
    return _timed(lambda: check_draft(services, REP, "questions", DRAFT, team=TARGET))


def measure(services: Services, baseline: Services, repeats: int, uncached: int) -> dict[str, Any]:
    """The first check (which builds what the data change invalidated); `repeats` checks, each
    paired with one on `baseline` (a database of the 20-rep team alone) so that the machine's
    load hits both alike; the first check after one write to another team and to a teammate;
    then `uncached` reads of every rep's record, which every check made before the cache."""

    def uncached_check() -> None:  # what every check did before: every rep's record, whole
        diagnosis = services.diagnoser.rep(REP, TARGET)
        with services.store.sessions() as session:
            for rep in Store.reps(session):
                read_record(session, rep, diagnosis.window)

    first = _check(services)
    warm: list[float] = []
    base: list[float] = []
    for _ in range(repeats):
        warm.append(_check(services))
        base.append(_check(baseline))
    after_write = {}
    for name, rep in (("another_team", "T0001-R00"), ("own_team", "T0000-R05")):
        if _write_session(services, rep):
            after_write[name] = _check(services)
    _write_session(baseline, "T0000-R05")  # the team stays the same in both databases
    cold = [_timed(uncached_check) for _ in range(uncached)]
    builds = dict(services.store.derived.builds)
    return {
        "first_check_s": first,
        "checks_s": warm,
        "baseline_checks_s": base,
        "median_check_s": median(warm),
        "median_baseline_s": median(base),
        "ratio_to_baseline": median(warm) / median(base),
        "min_check_s": min(warm),
        "first_check_after_one_write_s": after_write,
        "every_record_read_s": cold,
        "median_every_record_read_s": median(cold) if cold else None,
        "builds": {k: builds.get(k, 0) for k in (TEAM_FACTS, TEAM_WORDS, ORDINARY)},
    }


def _services(folder: Path) -> Services:
    settings = Settings(
        data_dir=folder,
        database_url=None,
        chroma_url=None,
        knowledge_dir=PROJECT_ROOT / "knowledge",
        as_of=date(2026, 11, 20),
    )
    services = Services(settings)
    services.store.create_schema()
    return services


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20,1000,5000", help="reps in the database")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--uncached", type=int, default=1, help="reads of every record per size")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--name", default="check_scale")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        services, baseline = _services(Path(tmp) / "db"), _services(Path(tmp) / "baseline")
        add_teams(baseline, 0, 1, args.seed)  # the same 20-rep team, alone
        _check(baseline)
        teams = 0
        for size in sizes:
            wanted = size // TEAM_SIZE
            start = time.perf_counter()
            add_teams(services, teams, wanted, args.seed)
            teams = wanted
            print(f"{size} reps: inserted in {time.perf_counter() - start:.1f} s", flush=True)
            run = {"reps": size, "teams": teams}
            run |= measure(services, baseline, args.repeats, args.uncached)
            print(
                f"  first {run['first_check_s']:.3f} s, median {run['median_check_s']:.3f} s, "
                f"x{run['ratio_to_baseline']:.2f} of 20 reps alone, "
                f"uncached {run['median_every_record_read_s']}",
                flush=True,
            )
            runs.append(run)
    rows = [
        [
            f"{r['reps']:,}",
            f"{1000 * r['median_check_s']:.0f} ms",
            f"{1000 * r['median_baseline_s']:.0f} ms",
            f"{r['ratio_to_baseline']:.2f}",
            f"{1000 * r['min_check_s']:.0f} ms",
            f"{r['first_check_s']:.2f} s",
            _after(r, "another_team"),
            _after(r, "own_team"),
            "-"
            if r["median_every_record_read_s"] is None
            else f"{r['median_every_record_read_s']:.2f} s",
        ]
        for r in runs
    ]
    header = [
        "reps in db",
        "check, median",
        "same check, 20-rep database",
        "ratio",
        "check, fastest",
        "first check after the data grew",
        "after another team's write",
        "after a teammate's write",
        "every record read (before)",
    ]
    table = markdown_table(header, rows)
    params = {"sizes": sizes, "repeats": args.repeats, "uncached": args.uncached, "seed": args.seed}
    path = write_result(args.name, {"machine": machine(), "params": params, "runs": runs})
    print(table)
    print(f"wrote {path}")


def _after(run: dict[str, Any], name: str) -> str:
    seconds = run["first_check_after_one_write_s"].get(name)
    return "-" if seconds is None else f"{1000 * seconds:.0f} ms"


if __name__ == "__main__":
    main()
