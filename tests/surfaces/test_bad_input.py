"""A corpus of hostile and unlucky input, through the CLI: no traceback, every other record gated, each bad
record reported as ``FILE:LINE: reason`` and counted as ``error``, and never the policy-FAIL exit for a crash."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge.cli import app
from tests.conftest import ROOT, cand

runner = CliRunner()
GOOD = [json.dumps(cand(f"g{i}", f"Weeknight taco night {i}", ["taco shells", "salsa"])) for i in range(4)]

# name -> (the bad JSONL line, what its error says)
BAD_JSONL = {
    "lone surrogate in theme": ('{"id":"s1","placement":"p","theme":"x\\ud800","keywords":[]}', "lone surrogate"),
    "lone surrogate in keywords": ('{"id":"s2","placement":"p","theme":"x","keywords":["a\\udfff"]}', "lone surrogate"),
    "lone surrogate in context": ('{"id":"s3","placement":"p","theme":"x","keywords":[],"context":{"notes":"\\udc00"}}', "lone surrogate"),
    "nested 5,000 deep": ('{"id":"d1","placement":"p","theme":"x","keywords":[],"z":' + "[" * 5000 + "]" * 5000 + "}", "nested"),
    "nested 100,000 deep": ('{"id":"d2","z":' + "[" * 100_000 + "]" * 100_000 + "}", "nested"),
    "nested 40 deep": ('{"id":"d3","placement":"p","theme":"x","keywords":[],"z":' + "[" * 40 + "]" * 40 + "}", "nested"),
    "5,000-digit integer": ('{"id":"n1","placement":"p","theme":"x","keywords":[],"z":' + "9" * 5000 + "}", "digits"),
    "NaN": ('{"id":"n2","placement":"p","theme":"x","keywords":[],"z":NaN}', "NaN"),
    "1e999": ('{"id":"n3","placement":"p","theme":"x","keywords":[],"z":1e999}', "out of range"),
    "malformed": ('{"id": "m1", "theme": ', "malformed JSON"),
    "trailing garbage": ('{"id":"m2","placement":"p","theme":"x","keywords":[]} {"id":"m3"}', "extra data"),
    "not an object": ("[1, 2, 3]", "expected a JSON object"),
    "wrong type": ('{"id":"w1","placement":"p","theme":"x","keywords":"tacos"}', "keywords"),
    "NUL byte": ('{"id":"z1","placement":"p","theme":"a\x00b","keywords":[]}', "NUL"),
    "duplicate id": (GOOD[0], "duplicate id 'g0'"),
}


def _gate(path: Path, db: Path, *extra: str):
    return runner.invoke(app, ["gate", str(path), "--skip-llm", "--policy", str(ROOT / "policies" / "default.yaml"),
                               "--db", str(db), "--quiet", *extra])


def _stored(db: Path) -> dict[int, tuple[str, str | None]]:
    rows = sqlite3.connect(db).execute("SELECT line, decision, error FROM verdicts").fetchall()
    return {line: (decision, error) for line, decision, error in rows}


@pytest.mark.parametrize("name", sorted(BAD_JSONL))
def test_a_bad_jsonl_record_is_a_located_error_and_the_rest_is_gated(tmp_path: Path, name: str):
    bad, says = BAD_JSONL[name]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([GOOD[0], GOOD[1], bad, GOOD[2], GOOD[3]]) + "\n", encoding="utf-8", errors="surrogatepass")
    res = _gate(path, tmp_path / "j.db")
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code in (0, 1)  # a verdict on the batch, not a crash
    stored = _stored(tmp_path / "j.db")
    assert sorted(stored) == [1, 2, 3, 4, 5]
    decision, error = stored[3]
    assert decision == "error" and error.startswith(f"{path}:3: ") and says in error, error
    assert all(stored[line][0] != "error" for line in (1, 2, 4, 5))
    assert f"{path}:3:" in res.output


def test_bad_records_deep_in_a_big_file_stop_nothing(tmp_path: Path):
    lines = [json.dumps(cand(f"c{i}", f"Pantry staples {i}")) for i in range(2000)]
    lines[1499] = '{"id":"bad","placement":"p","theme":"x\\ud800","keywords":[]}'
    lines[1799] = '{"id":"deep","z":' + "[" * 5000 + "]" * 5000 + "}"
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    res = _gate(path, tmp_path / "j.db")
    assert res.exit_code in (0, 1)
    stored = _stored(tmp_path / "j.db")
    assert len(stored) == 2000 and [line for line, (d, _) in stored.items() if d == "error"] == [1500, 1800]
    assert sqlite3.connect(tmp_path / "j.db").execute("SELECT status FROM runs").fetchone() == ("complete",)


def test_csv_corpus(tmp_path: Path):
    header = "id,placement,theme,keywords\r\n"
    rows = [f"c{i},home,Taco night {i},salsa|limes\r\n" for i in range(6)]
    rows[2] = "big,home," + "x" * 140_000 + ",salsa\r\n"  # over the csv module's own field limit, under ours
    rows[4] = 'q,home,"' + "y" * 300_000 + '",salsa\r\n'  # over ours, quoted
    path = tmp_path / "in.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (header + "".join(rows)).encode())  # Excel writes a byte-order mark
    res = _gate(path, tmp_path / "j.db", "--approved-out", str(tmp_path / "ok.csv"))
    assert res.exit_code in (0, 1), res.output
    stored = _stored(tmp_path / "j.db")
    assert sorted(stored) == [2, 3, 4, 5, 6, 7]
    assert [line for line, (d, _) in stored.items() if d == "error"] == [6]
    assert "over the 262,144-byte limit" in stored[6][1] or "field larger than field limit" in stored[6][1]
    approved = (tmp_path / "ok.csv").read_text().splitlines()
    assert approved[0] == "id,placement,theme,keywords"  # the header without its byte-order mark


@pytest.mark.parametrize("sep", [b"\r", b"\r\n"])
def test_line_separators_and_a_byte_order_mark(tmp_path: Path, sep: bytes):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + sep.join(g.encode() for g in GOOD) + sep)
    res = _gate(path, tmp_path / "j.db")
    assert res.exit_code in (0, 1)
    assert sorted(_stored(tmp_path / "j.db")) == [1, 2, 3, 4]
    assert {d for d, _ in _stored(tmp_path / "j.db").values()} != {"error"}


def test_a_json_array_file_and_its_located_errors(tmp_path: Path):
    path = tmp_path / "in.json"
    path.write_text("[\n" + ",\n".join([GOOD[0], '{"id": 5}', GOOD[1]]) + "\n]\n")
    res = _gate(path, tmp_path / "j.db")
    assert res.exit_code in (0, 1)
    stored = _stored(tmp_path / "j.db")
    assert sorted(stored) == [1, 2, 3]  # records keyed by position
    assert stored[2][0] == "error" and stored[2][1].startswith(f"{path}:3 (record 2): ")


def test_stdin(tmp_path: Path):
    res = runner.invoke(app, ["gate", "-", "--skip-llm", "--db", str(tmp_path / "j.db"), "--quiet"],
                        input="\n".join(GOOD) + "\n")
    assert res.exit_code in (0, 1), res.output
    assert sqlite3.connect(tmp_path / "j.db").execute("SELECT input_path, COUNT(*) FROM runs JOIN verdicts ON "
                                                       "verdicts.run_id = runs.id").fetchone() == ("<stdin>", 4)


def test_duplicate_ids_are_errors_that_name_the_first(tmp_path: Path):
    lines = [json.dumps(cand("same", "Taco night")), json.dumps(cand("other", "Soup season")),
             json.dumps(cand("same", "Pantry staples"))]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    _gate(path, tmp_path / "j.db", "--batch-size", "1")  # across batches too
    stored = _stored(tmp_path / "j.db")
    assert stored[3] == ("error", f"{path}:3: duplicate id 'same' (line 1 has it); ids must be unique in a batch")
    shown = runner.invoke(app, ["show", "same", "--json", "--db", str(tmp_path / "j.db")])
    assert json.loads(shown.output)["line"] == 1  # one candidate per id, no guessing


def test_an_internal_crash_exits_3_not_1_and_keeps_the_traceback(tmp_path: Path):
    """A bug, simulated by a check that raises, must not read as a policy FAIL."""
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(GOOD) + "\n")
    code = (
        "import sys; from judge.rules.checks.format import FormatCheck\n"
        "def boom(self, *a, **k): raise RuntimeError('simulated bug http://u:pw@h/x')\n"
        "FormatCheck.check = boom\n"
        "from judge.cli import main; sys.argv = ['judge', *sys.argv[1:]]; main()\n"
    )
    done = subprocess.run([sys.executable, "-c", code, "gate", str(path), "--skip-llm", "--db", str(tmp_path / "j.db")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 3, done.stderr
    assert "internal error: RuntimeError: simulated bug" in done.stderr and "Traceback" not in done.stderr
    assert "u:pw" not in done.stderr
    log = Path(done.stderr.split("the traceback is in ")[1].split(".txt")[0].strip() + ".txt")
    assert "Traceback" in log.read_text() and "u:pw" not in log.read_text()
    log.unlink()


def test_catalog_load_survives_the_same_corpus(tmp_path: Path):
    rows = [json.dumps({"id": "1", "title": "Egg Noodles"}), BAD_JSONL["lone surrogate in theme"][0],
            BAD_JSONL["nested 5,000 deep"][0], BAD_JSONL["5,000-digit integer"][0], json.dumps({"id": "2", "title": "Salsa Verde"})]
    path = tmp_path / "products.jsonl"
    path.write_text("\n".join(rows) + "\n")
    res = runner.invoke(app, ["catalog", "load", str(path), "--db", str(tmp_path / "j.db")])
    assert res.exit_code == 0, res.output
    assert "2 products loaded (3 skipped)" in res.output
    for line in (2, 3, 4):
        assert f"{path}:{line}: " in res.output
    csv_path = tmp_path / "products.csv"
    csv_path.write_bytes(b"\xef\xbb\xbfid,title\r\n3,Corn Tortillas\r\n4," + b"x" * 300_000 + b"\r\n5,Sour Cream\r\n")
    res = runner.invoke(app, ["catalog", "load", str(csv_path), "--db", str(tmp_path / "j.db")])
    assert res.exit_code == 0 and "2 products loaded (1 skipped)" in res.output, res.output


def test_labels_import_survives_the_corpus(tmp_path: Path):
    rows = [json.dumps({"content_hash": "h1", "target": "terms", "label": "fail"}), BAD_JSONL["nested 5,000 deep"][0],
            BAD_JSONL["5,000-digit integer"][0], "[1, 2]", json.dumps({"content_hash": "h2", "target": {"x": 1}, "label": "pass"}),
            json.dumps({"content_hash": "h3", "labels": [5, {"target": "claims", "label": "pass", "labeller": 7}]})]
    path = tmp_path / "labels.jsonl"
    path.write_bytes("\n".join(rows).encode() + b"\n\xff\xfe\n")
    res = runner.invoke(app, ["labels", "import", str(path), "--db", str(tmp_path / "j.db")])
    assert res.exit_code == 0, res.output
    assert "2 label(s) imported" in res.output and "Traceback" not in res.output
    for line in (2, 3, 4, 5, 6, 7):
        assert f"{path}:{line}: " in res.output, line


def test_a_csv_from_stdin_keeps_its_header_in_the_approved_subset(tmp_path: Path):
    text = "\ufeffid,placement,theme,keywords\r\na,home,Taco night,salsa|taco shells\r\n"
    res = runner.invoke(app, ["gate", "-", "--skip-llm", "--db", str(tmp_path / "j.db"), "--quiet", "--policy",
                              str(ROOT / "policies" / "default.yaml"), "--approved-out", str(tmp_path / "ok.csv")], input=text)
    assert res.exit_code in (0, 1), res.output
    assert (tmp_path / "ok.csv").read_text().splitlines()[0] == "id,placement,theme,keywords"


def test_a_bad_placement_is_skipped_with_its_line_and_the_rest_are_built(tmp_path: Path):
    from judge.surfaces.catalog_files import read_placements

    path = tmp_path / "placements.jsonl"
    path.write_text("\n".join([json.dumps({"id": "home-hero", "page": "home"}), '{"id": ', json.dumps({"id": 5}),
                               BAD_JSONL["nested 5,000 deep"][0], json.dumps({"id": "home-row", "keywords": 3})]) + "\n")
    specs, errors = read_placements(path)
    assert [s.id for s in specs] == ["home-hero", "home-row"]
    assert [e.split(": ")[0] for e in errors] == [f"{path}:{n}" for n in (2, 3, 4)]
