"""The same store on SQLite and PostgreSQL: every command that reads or writes it gives the same answers.

The PostgreSQL cases need a server (JUDGE_TEST_PG, started by `.ci/run`); see tests/conftest.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge.cli import app
from judge.errors import ConfigError, StoreError
from judge.store import Store
from judge.store.location import locate
from judge.store.schema import table
from tests.conftest import cand, write_jsonl
from tests.judges.test_llm import make_policy
from tests.llm_server import LLMServer

runner = CliRunner()
ROWS = [
    cand("good", "Weeknight flavor builders", ["taco seasoning", "salsa verde"]),
    cand("bad", "Weeknight BADWORD builders", ["taco seasoning", "salsa verde"]),
    cand("rude", "Sh1t deals on snacks", ["potato chips", "pretzels"], placement="deals"),
    "{broken",
    cand("soup", "Cozy soup night", ["chicken broth", "egg noodles"]),
]


def cli(*args: str, code: tuple[int, ...] = (0,)) -> str:
    res = runner.invoke(app, list(args))
    assert res.exit_code in code, (args, res.output, res.exception)
    return res.output


def journey(db: str, tmp_path: Path, srv: LLMServer) -> dict[str, object]:
    """Every store-reading and -writing command once, on the store at ``db``; what each of them said."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    policy = str(make_policy(tmp_path, ["theme_quality"]))
    data = str(write_jsonl(tmp_path / "in.jsonl", ROWS))
    llm = ("--base-url", srv.base_url, "--model", "m", "--policy", policy, "--db", db)
    facts: dict[str, object] = {}
    cli("gate", data, *llm, "--json", str(tmp_path / "first.json"), "--junit", str(tmp_path / "j.xml"), code=(0, 1))
    first = json.loads((tmp_path / "first.json").read_text())
    facts["decisions"] = {v.get("id") or f"line {v['line']}": v["decision"] for v in first["items"]}
    calls = len(srv.llm.requests)
    cli("gate", data, *llm, "--json", str(tmp_path / "second.json"), code=(0, 1))
    facts["paid calls on a rerun"] = len(srv.llm.requests) - calls
    runs = json.loads(cli("runs", "--db", db, "--json"))
    facts["runs"] = [r["counts"] for r in runs]
    facts["show bad"] = "theme_quality" in cli("show", "bad", "--db", db) and "rejected" in cli("show", "bad", "--db", db)
    facts["review list"] = sorted(set(re.findall(r"\b(good|bad|rude|soup)\b", cli("review", "list", "--db", db))))
    cli("review", "approve", "rude", "--reason", "slang is on brand here", "--reviewer", "ana", "--db", db)
    cli("gate", data, *llm, "--json", str(tmp_path / "third.json"), code=(0, 1))
    third = json.loads((tmp_path / "third.json").read_text())
    facts["after review"] = {v["id"]: v["decision"] for v in third["items"] if v.get("id")}
    labels = write_jsonl(tmp_path / "labels.jsonl", [{**ROWS[0], "target": "terms", "label": "pass", "labeller": "ana"}])
    facts["labels"] = cli("labels", "import", str(labels), "--db", db).split("\n")[0]
    calibration = json.loads(cli("calibrate", "--db", db, "--skip-llm", "--json"))
    facts["calibrated"] = sorted(m["target"] for m in calibration["metrics"])[:5]
    cli("report", runs[-1]["run_id"], "--db", db, "--out", str(tmp_path / "report.html"))
    facts["report shows"] = "Weeknight BADWORD builders" in (tmp_path / "report.html").read_text()
    summary = json.loads(cli("summary", "--db", db))
    facts["summary counts"] = summary["counts"]
    out = cli("distill", "export", "--out", str(tmp_path / "distill.jsonl"), "--db", db)
    facts["distilled"] = out.split(" ")[0]
    run_ids = [r["run_id"] for r in runs]
    compared = json.loads(cli("compare", run_ids[-1], run_ids[0], "--db", db, "--json"))
    facts["compare"] = {k: compared[k] for k in sorted(compared) if k in ("a", "b")}
    for side in facts["compare"].values():  # run ids and timings differ between stores
        for key in ("run_id", "judge_latency_ms"):
            side.pop(key, None)
    return facts


def test_every_command_answers_alike_on_sqlite_and_postgresql(tmp_path: Path, pg_url: str):
    with LLMServer() as srv:
        on_sqlite = journey(str(tmp_path / "judge.db"), tmp_path / "sqlite", srv)
    with LLMServer() as srv:
        on_postgres = journey(pg_url, tmp_path / "pg", srv)
    assert on_postgres == on_sqlite
    assert on_sqlite["decisions"] == {"good": "approved", "bad": "rejected", "rude": "rejected", "line 4": "error",
                                      "soup": "approved"}
    assert on_sqlite["paid calls on a rerun"] == 0 and on_sqlite["after review"]["rude"] == "approved"
    assert on_sqlite["review list"] == ["bad", "rude"] and on_sqlite["show bad"] and on_sqlite["report shows"]


def test_the_store_methods_behave_alike(store_url: str):
    store = Store(store_url)
    run = store.create_run(run_key="k", input_path="in", input_sha256="0", input_format="jsonl", policy_id="p",
                           policy_version="1", policy_hash="h", code_version="c", options_json="{}", check_status_json="{}")
    assert store.claim_block(run.id, 0) and not store.claim_block(run.id, 0) and store.claim_block(run.id, 1)
    assert store.claim_run(run) is None  # this process owns it already
    assert store.get_run(run.id[:10]).id == run.id and store.runs()[0].id == run.id
    vector = bytes(range(256)) * 2
    store.put_vectors("m@1", [("a", vector), ("b", b"\x00\x01")])
    store.put_vectors("m@1", [("a", b"other")])  # kept as first stored
    assert store.get_vectors("m@1", ["a", "b", "c"]) == {"a": vector, "b": b"\x00\x01"}
    store.add_retrievals("cat1", 20, True, [("salsa", ["p1", "p2"]), ("none", [])])
    store.add_retrievals("cat1", 20, True, [("salsa", ["p9"])])
    assert store.stored_retrievals("cat1", 20, True, ["salsa", "none", "x"]) == {"salsa": ["p1", "p2"], "none": []}
    store.keep_catalog_artifact("cat1", "vocab", '["a"]')
    store.keep_catalog_artifact("cat1", "vocab", '["b"]')  # replaced
    assert store.catalog_artifact("cat1", "vocab") == '["b"]'
    done = store.finish_run(run.id, {"approved": 0}, {"passed": True}, {})
    assert done.status == "complete" and done.finished_at is not None


def test_postgresql_creates_the_schema_once_without_the_sqlite_catalog(pg_url: str):
    import sqlalchemy

    first = Store(pg_url)
    assert first.applied and Store(pg_url).applied == []
    names = set(sqlalchemy.inspect(first.engine).get_table_names())
    expected = {t for t in ("runs", "candidates", "verdicts", "findings", "judge_calls", "judgements", "reviews", "labels",
                            "calibrations", "embeddings", "retrievals", "catalog_artifacts", "run_blocks", "llm_batches",
                            "llm_batch_requests", "_migrations")}
    assert names == expected  # the catalog (FTS5) stays in a SQLite file
    cols = {c["name"] for c in sqlalchemy.inspect(first.engine).get_columns("verdicts")}
    assert cols == set(table("verdicts").c.keys())
    assert first.product_count() == 0 and first.search_products("salsa") == []
    with pytest.raises(StoreError, match="--catalog-db"):
        first.load_products([{"id": "1", "title": "Salsa"}])


def test_a_postgresql_store_reads_its_catalog_from_a_sqlite_file(tmp_path: Path, pg_url: str):
    catalog = tmp_path / "catalog.db"
    products = tmp_path / "products.csv"
    products.write_text("id,title,aisle,department\n1,Salsa Verde,salsa,pantry\n2,Corn Tortillas,tortillas,bakery\n")
    cli("catalog", "load", str(products), "--db", pg_url, "--catalog-db", str(catalog))
    assert "Salsa Verde" in cli("catalog", "search", "salsa", "--db", pg_url, "--catalog-db", str(catalog))
    assert Store(catalog).product_count() == 2  # in the file, not the server
    out = cli("catalog", "load", str(products), "--db", pg_url, code=(2,))
    assert "--catalog-db" in out


def test_store_urls_are_parsed_and_never_show_a_password(tmp_path: Path):
    assert locate(tmp_path / "a.db").path == tmp_path / "a.db"
    assert locate(f"sqlite:///{tmp_path}/b.db").path == tmp_path / "b.db"
    pg = locate("postgresql://ana:s3cret@127.0.0.1:1/judge")
    assert pg.is_server and pg.url.drivername == "postgresql+psycopg" and "s3cret" not in pg.shown
    for bad in ("mysql://ana@127.0.0.1/x", "sqlite://"):
        with pytest.raises(ConfigError):
            locate(bad)


def test_an_unreachable_server_is_one_line_without_the_password():
    out = cli("runs", "--db", "postgresql+psycopg://ana:s3cret@127.0.0.1:9/judge", code=(2,))
    assert "cannot reach the PostgreSQL server" in out and "s3cret" not in out and "Traceback" not in out


def test_a_database_of_another_application_is_refused(pg_url: str):
    import sqlalchemy

    engine = sqlalchemy.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id int)")
    engine.dispose()
    with pytest.raises(StoreError, match="not a verdict store"):
        Store(pg_url)


def test_the_store_password_reaches_no_output_no_row_and_no_message(tmp_path: Path, pg_url: str):
    import sqlalchemy

    secret = "s3cret-pw"
    url = sqlalchemy.make_url(pg_url).set(password=secret).render_as_string(hide_password=False)
    data = str(write_jsonl(tmp_path / "in.jsonl", ROWS))
    said = cli("gate", data, "--skip-llm", "--db", url, "--json", str(tmp_path / "v.json"), code=(0, 1))
    said += cli("runs", "--db", url) + cli("summary", "--db", url)
    cli("report", "--db", url, "--out", str(tmp_path / "r.html"))
    said += cli("gate", data, "--skip-llm", "--db", url, "--catalog-db", "postgresql://x@127.0.0.1/y", code=(2,))
    engine = sqlalchemy.create_engine(pg_url)
    with engine.connect() as conn:
        dump = [str(row) for t in ("runs", "verdicts", "findings", "candidates")
                for row in conn.exec_driver_sql(f"SELECT * FROM {t}").all()]
    engine.dispose()
    assert dump and secret not in "".join(dump)
    assert secret not in said and secret not in (tmp_path / "v.json").read_text() + (tmp_path / "r.html").read_text()
