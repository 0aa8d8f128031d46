from __future__ import annotations

from pathlib import Path

import pytest

from judge.errors import InputError
from judge.surfaces.reader import read_records
from tests.conftest import cand, write_jsonl


def test_bad_records_are_located_and_the_rest_still_read(tmp_path: Path):
    p = write_jsonl(
        tmp_path / "in.jsonl",
        [
            cand("a", "Cozy soup season"),
            "{not json",
            {"id": "b", "placement": "p", "keywords": ["x"]},  # missing theme
            {"id": "c", "placement": "p", "theme": "t", "keywords": "tacos"},  # wrong type
            {"id": 7, "placement": "p", "theme": "t", "keywords": []},  # id not a string
            b'{"id": "d", "placement": "p", "theme": "caf\xe9", "keywords": []}',  # latin-1 byte
            '{"id": "e", "placement": "p", "theme": "a\\u0000b", "keywords": []}'.replace("\\u0000", "\x00"),
            "[1, 2]",
            "",
            cand("f", "Pantry staples"),
        ],
    )
    recs = list(read_records(p))
    by_line = {r.line: r for r in recs}
    assert [r.line for r in recs] == [1, 2, 3, 4, 5, 6, 7, 8, 10]  # blank line 9 skipped
    assert by_line[1].candidate and by_line[1].candidate.id == "a"
    assert by_line[10].candidate and by_line[10].candidate.id == "f"
    errors = {r.line: r.error for r in recs if r.error}
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8}
    for line, msg in errors.items():
        assert msg.startswith(f"{p}:{line}: "), msg
    assert "malformed JSON" in errors[2]
    assert "theme: missing required field" in errors[3]
    assert "keywords" in errors[4]
    assert "id" in errors[5]
    assert "invalid UTF-8" in errors[6]
    assert "NUL" in errors[7]
    assert "expected a JSON object" in errors[8]


def test_a_one_megabyte_record_is_an_error_not_a_crash(tmp_path: Path):
    big = cand("big", "x" * 1_000_000)
    p = write_jsonl(tmp_path / "in.jsonl", [big, cand("ok", "Cozy soup season")])
    recs = list(read_records(p))
    assert recs[0].error and "over the 262,144-byte limit" in recs[0].error
    assert len(recs[0].raw) <= 200
    assert recs[1].candidate is not None and recs[1].line == 2


def test_unknown_fields_are_kept(tmp_path: Path):
    p = write_jsonl(tmp_path / "in.jsonl", [cand("a", "Tacos", experiment="b7", score=0.3)])
    c = read_records(p).__next__().candidate
    assert c is not None and c.model_extra == {"experiment": "b7", "score": 0.3}


def test_csv_with_pipe_separated_keywords(tmp_path: Path):
    p = tmp_path / "in.csv"
    p.write_bytes(
        b"id,placement,theme,keywords,context\n"
        b'a,home,Taco night,taco shells|salsa | limes,"{""audience"": ""kids""}"\n'
        b"b,home,,x\n"
        b"c,home,Caf\xe9,x|y\n"
        b'd,home,"Multi\nline theme",x|y\n'
    )
    recs = list(read_records(p))
    a = recs[0].candidate
    assert a is not None and a.keywords == ["taco shells", "salsa", "limes"] and a.context.audience == "kids"
    assert recs[1].error and "theme" in recs[1].error and ":3:" in recs[1].error
    assert recs[2].error and "invalid UTF-8" in recs[2].error and ":4:" in recs[2].error
    assert recs[3].candidate is not None and recs[3].line == 5


def test_unreadable_input_raises_input_error(tmp_path: Path):
    with pytest.raises(InputError):
        list(read_records(tmp_path / "missing.jsonl"))
    with pytest.raises(InputError, match="unknown input format"):
        list(read_records(tmp_path / "x.txt"))
