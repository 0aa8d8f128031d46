"""Store and output faults: each ends with a one-line error and exit 2, and destroys nothing.

Damaged, truncated, empty, foreign and folder stores under every command; an immutable store; a full
disk (SQLite's page limit); concurrent creation; the same input gated twice at once; output paths that
are the store, the input, each other, a folder or ``/dev/full``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge.cli import app
from judge.store import Store
from judge.store import base as store_base
from judge.store import faults as store_faults
from tests.conftest import ROOT, cand, write_jsonl, write_no_toxicity_policy

runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"


def candidates(path: Path, n: int) -> Path:
    return write_jsonl(path, [cand(f"c{i}", f"Pantry staples {i}", ["olive oil", f"rice {i}"]) for i in range(n)])


@pytest.fixture(scope="module")
def fast_policy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_no_toxicity_policy(tmp_path_factory.mktemp("policy") / "fast.yaml")


def gate(path: Path, db: Path, *extra: str, policy: Path):
    return runner.invoke(app, ["gate", str(path), "--skip-llm", "--db", str(db), "--quiet", "--policy", str(policy), *extra])


def assert_one_line_error(res, *says: str) -> None:
    assert res.exit_code == 2, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # handled, not raised
    errors = [line for line in res.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in res.output, res.output
    for s in says:
        assert s in errors[0], errors[0]


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory, fast_policy: Path) -> Path:
    """A real store with a finished run, checkpointed into its main file."""
    folder = tmp_path_factory.mktemp("good")
    db = folder / "j.db"
    gate(candidates(folder / "in.jsonl", 3000), db, policy=fast_policy)
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db


def _damage(kind: str, good: Path, target: Path) -> None:
    raw = good.read_bytes()
    if kind == "garbage":
        target.write_bytes(b"\x00\x17garbage" * 5000)
    elif kind == "truncated":
        target.write_bytes(raw[: len(raw) // 2])
    elif kind == "header only":
        target.write_bytes(raw[:100])
    elif kind == "zero-length":
        target.write_bytes(b"")
    elif kind == "text":
        target.write_text("this is not a database\n")
    elif kind == "foreign":
        con = sqlite3.connect(target)
        con.execute("CREATE TABLE customers (id INTEGER, email TEXT)")
        con.commit()
        con.close()
    elif kind == "folder":
        target.mkdir()


KINDS = ["garbage", "truncated", "header only", "zero-length", "text", "foreign", "folder"]
COMMANDS = {
    "gate": lambda db, tmp: ["gate", str(candidates(tmp / "in.jsonl", 5)), "--skip-llm", "--db", str(db), "--policy",
                             str(write_no_toxicity_policy(tmp / "fast.yaml"))],
    "runs": lambda db, tmp: ["runs", "--db", str(db)],
    "show": lambda db, tmp: ["show", "c1", "--db", str(db)],
    "summary": lambda db, tmp: ["summary", "--db", str(db)],
    "report": lambda db, tmp: ["report", "--db", str(db), "--out", str(tmp / "r.html")],
    "review list": lambda db, tmp: ["review", "list", "--db", str(db)],
    "catalog load": lambda db, tmp: ["catalog", "load", str(_catalog(tmp)), "--db", str(db)],
}


def _catalog(tmp: Path) -> Path:
    path = tmp / "products.jsonl"
    path.write_text(json.dumps({"id": "1", "title": "Egg Noodles"}) + "\n")
    return path


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_damaged_store_is_a_one_line_error_and_stays_as_it_was(
    tmp_path: Path, good_store: Path, kind: str, command: str, monkeypatch
):
    monkeypatch.setattr(store_faults, "EMPTY_GRACE_S", 0.2)  # no other process is creating this empty file
    db = tmp_path / "j.db"
    _damage(kind, good_store, db)
    before = digest(db)
    res = runner.invoke(app, COMMANDS[command](db, tmp_path))
    assert_one_line_error(res, str(db))
    assert digest(db) == before  # nothing written to it
    assert not (tmp_path / "r.html").exists()


def test_an_immutable_store_is_refused_for_writing_in_one_line(tmp_path: Path, good_store: Path, fast_policy: Path):
    db = tmp_path / "j.db"
    db.write_bytes(good_store.read_bytes())
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False).returncode != 0:
        pytest.skip("this file system cannot make a file immutable")
    try:
        before = digest(db)
        res = gate(candidates(tmp_path / "in.jsonl", 5), db, policy=fast_policy)
        assert_one_line_error(res, "read-only")
        assert digest(db) == before
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=False)


def test_a_full_disk_stops_the_run_in_one_line_and_it_resumes_once_there_is_space(tmp_path: Path, monkeypatch, fast_policy: Path):
    db = tmp_path / "j.db"
    gate(candidates(tmp_path / "warm.jsonl", 3), db, policy=fast_policy)  # the store exists, with its schema
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    original = store_base._sqlite_pragmas

    def cramped(dbapi_conn, record):  # SQLite's page limit: the same SQLITE_FULL as a full disk
        original(dbapi_conn, record)
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 40}")

    monkeypatch.setattr(store_base, "_sqlite_pragmas", cramped)
    p = candidates(tmp_path / "in.jsonl", 3000)
    res = gate(p, db, "--batch-size", "100", policy=fast_policy)
    assert_one_line_error(res, "disk is full", "resumes")
    con = sqlite3.connect(db)
    stored = con.execute("SELECT COUNT(*) FROM verdicts v JOIN runs r ON r.id = v.run_id WHERE r.input_path = ?", (str(p),)).fetchone()[0]
    assert 0 < stored < 3000 and con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    monkeypatch.setattr(store_base, "_sqlite_pragmas", original)  # space again
    again = gate(p, db, "--batch-size", "100", policy=fast_policy)
    assert again.exit_code in (0, 1), again.output
    rows = con.execute("SELECT r.status, COUNT(*), COUNT(DISTINCT v.line) FROM verdicts v JOIN runs r ON r.id = v.run_id "
                       "WHERE r.input_path = ? GROUP BY r.id", (str(p),)).fetchall()
    assert rows == [("complete", 3000, 3000)]  # the same run, resumed: nothing lost, nothing twice


def _judge(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from judge.cli import main; sys.argv=['judge', *sys.argv[1:]]; main()", *args]


def test_processes_creating_the_same_new_store_at_once_all_succeed(tmp_path: Path, no_toxicity_policy: Path):
    inputs = [write_jsonl(tmp_path / f"in{i}.jsonl", [cand(f"r{i}c{j}", f"Soup season {i} {j}") for j in range(20)]) for i in range(4)]
    db = tmp_path / "new.db"
    procs = [subprocess.Popen(_judge("gate", str(p), "--skip-llm", "--db", str(db), "--policy", str(no_toxicity_policy), "-q"),
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in inputs]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for code, stderr in results:
        assert code in (0, 1) and "Traceback" not in stderr, stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT run_id) FROM verdicts").fetchone() == (80, 4)


def test_a_new_store_waits_for_another_connection_writing_the_file_instead_of_failing_at_once(tmp_path: Path):
    # SQLite refuses the switch to WAL at once, without its busy timeout, while another connection writes a
    # file still in rollback mode: the state of a new file that another process is creating
    db = tmp_path / "new.db"
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, other.execute, ("COMMIT",))
    release.start()
    try:
        store = Store(db)
    finally:
        release.join()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store.applied and store.runs() == []


def test_the_same_input_gated_twice_at_once_loses_and_repeats_nothing(tmp_path: Path, no_toxicity_policy: Path):
    n = 6000
    p = candidates(tmp_path / "in.jsonl", n)
    db = tmp_path / "j.db"
    args = _judge("gate", str(p), "--skip-llm", "--db", str(db), "--policy", str(no_toxicity_policy), "--batch-size", "100", "-q")
    first = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while not (db.exists() and sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'").fetchone()[0]
            and sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM runs").fetchone()[0]):
        assert first.poll() is None, first.stderr.read()
        time.sleep(0.02)
    second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    first_code = first.wait(timeout=120)
    assert first_code in (0, 1), first.stderr.read()
    if second.returncode == 2:  # refused while the first was gating: it says so, in one line
        assert "is being gated by" in second.stderr and "Traceback" not in second.stderr
    else:
        assert second.returncode in (0, 1), second.stderr
    con = sqlite3.connect(db)
    per_run = con.execute("SELECT run_id, COUNT(*), COUNT(DISTINCT line) FROM verdicts GROUP BY run_id").fetchall()
    assert all(total == distinct == n for _, total, distinct in per_run), per_run


@pytest.mark.parametrize("option", ["--json", "--junit", "--approved-out", "--summary-md"])
def test_an_output_never_overwrites_the_store_the_input_or_another_output(tmp_path: Path, option: str, fast_policy: Path):
    p = candidates(tmp_path / "in.jsonl", 5)
    db = tmp_path / "j.db"
    gate(p, db, policy=fast_policy)
    guarded = {"store": db, "store WAL": Path(f"{db}-wal"), "input": p}
    before = digest(p)
    for target in guarded.values():
        res = gate(p, db, option, str(target), policy=fast_policy)
        assert_one_line_error(res, "never overwrites")
    assert digest(p) == before
    con = sqlite3.connect(db)  # still the store, whole (its bytes may move between the WAL and the main file)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT COUNT(*) FROM verdicts").fetchone() == (5,)
    other = "--junit" if option != "--junit" else "--json"
    res = gate(p, db, option, str(tmp_path / "same.out"), other, str(tmp_path / "same.out"), policy=fast_policy)
    assert_one_line_error(res, "never overwrites")
    link = tmp_path / "link.db"
    link.symlink_to(db)
    assert_one_line_error(gate(p, db, option, str(link), policy=fast_policy), "never overwrites")


@pytest.mark.parametrize("where", ["folder", "empty", "/dev/full", "unwritable parent"])
def test_an_unusable_output_path_is_a_one_line_error(tmp_path: Path, where: str, fast_policy: Path):
    p = candidates(tmp_path / "in.jsonl", 5)
    db = tmp_path / "j.db"
    target = {"folder": str(tmp_path), "empty": "", "/dev/full": "/dev/full",
              "unwritable parent": str(p / "x.json")}[where]  # a file where a folder should be
    res = gate(p, db, "--json", target, policy=fast_policy)
    assert_one_line_error(res)
    if where in ("/dev/full", "unwritable parent"):  # found when writing: the verdicts are stored all the same
        assert "run the same command again" in res.output
        assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM verdicts").fetchone() == (5,)


def test_report_out_is_never_the_store(tmp_path: Path, fast_policy: Path):
    p = candidates(tmp_path / "in.jsonl", 5)
    db = tmp_path / "r.db"
    gate(p, db, policy=fast_policy)
    assert_one_line_error(runner.invoke(app, ["report", "--db", str(db), "--out", str(db)]), "never overwrites")
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM verdicts").fetchone() == (5,)
    other = tmp_path / "other.db"
    other.write_bytes(db.read_bytes())
    assert_one_line_error(runner.invoke(app, ["report", "--db", str(db), "--out", str(other)]), "SQLite database")


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path: Path, monkeypatch):
    from judge.surfaces import output

    target = tmp_path / "v.json"
    target.write_text("previous")

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    with pytest.raises(Exception, match="No space left"), output.open_output(target) as f:
        f.write("half")
        broken()
    assert target.read_text() == "previous" and list(tmp_path.iterdir()) == [target]
