"""Product catalog: loading with located errors, idempotency, BM25 search."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from judge import Store
from judge.cascade import catalog
from judge.cli import app
from judge.surfaces.catalog_files import read_catalog
from judge.surfaces.reader import read_input
from tests.conftest import write_jsonl

runner = CliRunner()


def small_catalog(tmp_path: Path) -> Path:
    p = tmp_path / "catalog.csv"
    p.write_text(
        "id,title,brand,category,aisle,department,popularity,available,color\n"
        "1,Taco Seasoning Mix,Old El Paso,pantry > spices,spices seasonings,pantry,0.9,1,red\n"
        "2,Organic Taco Shells,Siete,pantry > latino,latino foods,pantry,0.7,1,\n"
        "3,Salsa Verde,Herdez,pantry > latino,latino foods,pantry,0.8,1,\n"
        "4,,NoName,,,,,1,\n"
        "5,Toilet Paper Rolls,Charmin,household > paper,paper goods,household,0.5,1,\n"
        "6,Seasoning for tacos (discontinued),X,pantry > spices,spices seasonings,pantry,0.1,0,\n"
        "7,Chili Crisp,Fly By Jing,pantry > condiments,condiments,pantry,lots,1,\n"
    )
    return p


def test_load_reports_bad_rows_with_lines_and_is_idempotent(tmp_path: Path, db: Path):
    store = Store(db)
    r = catalog.load(store, read_catalog(small_catalog(tmp_path)))
    assert (r.loaded, r.total) == (5, 5)
    assert len(r.errors) == 2 and ":5: missing title" in r.errors[0] and ":8: popularity 'lots'" in r.errors[1]
    again = catalog.load(store, read_catalog(small_catalog(tmp_path)))
    assert again.total == 5  # upsert by id: nothing duplicated


def test_bm25_search_ranks_titles_and_hides_unavailable(tmp_path: Path, db: Path):
    store = Store(db)
    catalog.load(store, read_catalog(small_catalog(tmp_path)))
    hits = store.search_products("taco seasoning")
    assert [h.id for h in hits] == ["1"]  # 6 matches too but is not available
    assert {h.id for h in store.search_products("taco seasoning", available_only=False)} == {"1", "6"}
    assert {h.id for h in store.search_products("taco")} == {"1", "2"}
    assert [h.id for h in store.search_products("latino")] and store.search_products("latino")[0].aisle == "latino foods"
    # user text never becomes FTS syntax
    for q in ['taco" OR "paper', "NOT taco", "taco*", "title:paper", ""]:
        store.search_products(q)


def test_jsonl_and_instacart_formats(tmp_path: Path, db: Path):
    store = Store(db)
    j = write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "title": "Egg Noodles", "score": 3}, "{oops", "[1, 2]"])
    r = catalog.load(store, read_catalog(j))
    assert r.loaded == 1 and len(r.errors) == 2
    folder = tmp_path / "ic"
    folder.mkdir()
    (folder / "products.csv").write_text('1,Chocolate Sandwich Cookies,61,19\n2,"All-Seasons Salt",104,13\n3,bad row\n')
    (folder / "aisles.csv").write_text("61,cookies cakes\n104,spices seasonings\n")
    (folder / "departments.csv").write_text("19,snacks\n13,pantry\n")
    r = catalog.load(store, read_catalog(folder / "products.csv"))
    assert r.loaded == 2 and ":3: expected 4 fields" in r.errors[0]
    (hit,) = store.search_products("cookies")
    assert (hit.aisle, hit.department) == ("cookies cakes", "snacks")


def test_catalog_cli(tmp_path: Path, db: Path):
    res = runner.invoke(app, ["catalog", "load", str(small_catalog(tmp_path)), "--db", str(db)])
    assert res.exit_code == 0 and "5 products loaded (2 skipped)" in res.output
    res = runner.invoke(app, ["catalog", "search", "salsa", "--db", str(db)])
    assert res.exit_code == 0 and "Salsa Verde" in res.output
    assert runner.invoke(app, ["catalog", "load", str(tmp_path / "missing.csv"), "--db", str(db)]).exit_code == 2


def test_coherence_uses_catalog_evidence(tmp_path: Path, db: Path, no_toxicity_policy: Path):
    from judge import Gate, load_policy

    store = Store(db)
    catalog.load(store, read_catalog(small_catalog(tmp_path)))
    rows = [
        {"id": "fits", "placement": "p", "theme": "Weeknight taco night", "keywords": ["taco shells", "salsa verde", "taco seasoning"]},
        {"id": "odd", "placement": "p", "theme": "Weeknight taco night", "keywords": ["taco shells", "salsa verde", "toilet paper"]},
        {"id": "none", "placement": "p", "theme": "Weeknight taco night", "keywords": ["taco shells", "unicorn steaks"]},
    ]
    p = write_jsonl(tmp_path / "in.jsonl", rows)
    result = Gate(load_policy(no_toxicity_policy), store).run(read_input(p))
    got = {v.row.candidate_id: v for v in store.verdicts(result.run.id)}
    assert not [f for f in got["fits"].findings if f.check == "coherence"]
    odd = [f for f in got["odd"].findings if f.check == "coherence"]
    assert [(f.term, f.text) for f in odd] == [("keyword_off_theme", "toilet paper")] and "household" in odd[0].message
    assert got["odd"].row.decision == "needs_review"
    assert any(f.term == "keyword_retrieves_nothing" and f.text == "unicorn steaks" for f in got["none"].findings)


def test_product_phrases_from_the_catalog_are_allowed_and_nothing_else(tmp_path: Path, no_toxicity_policy: Path):
    """ "faggots in (gravy)" is a product of the loaded catalog: in that exact pair the term is informational
    (with the product ids as evidence); on its own, or beside another word, it still counts."""
    from judge import Gate, load_policy

    p = tmp_path / "catalog.csv"
    p.write_text("id,title,aisle,department\n91,Mr Brain's Faggots in Rich Gravy,frozen meals,frozen\n92,Spotted Dick Pudding,desserts,bakery\n")
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(p))
    rows = [
        {"id": "roast", "placement": "p", "theme": "Faggots in gravy, British style", "keywords": ["mashed potatoes", "peas"]},
        {"id": "rude", "placement": "p", "theme": "Faggots party snacks", "keywords": ["pretzels", "popcorn"]},
    ]
    result = Gate(load_policy(no_toxicity_policy), store).run(read_input(write_jsonl(tmp_path / "in.jsonl", rows)))
    v = {x.row.candidate_id: x for x in store.verdicts(result.run.id)}
    allowed = [f for f in v["roast"].findings if f.check == "terms"]
    assert allowed and all(f.severity == "info" for f in allowed) and "91" in allowed[0].message
    assert v["rude"].row.decision != "approved"


def test_the_vocabulary_is_built_once_per_catalog_version(tmp_path: Path, db: Path, monkeypatch):
    store = Store(db)
    catalog.load(store, read_catalog(small_catalog(tmp_path)))
    built: list[int] = []
    real = catalog.build_vocabulary
    monkeypatch.setattr(catalog, "build_vocabulary", lambda *a, **k: built.append(1) or real(*a, **k))
    first = catalog.vocabulary(store, min_count=1)
    again = catalog.vocabulary(Store(db), min_count=1)  # another process, the same catalog: kept
    assert built == [1] and again == first and any(row[0] == "taco" and row[1] == 2 for row in first)
    catalog.vocabulary(store, min_count=2)  # other parameters: built
    write_jsonl(tmp_path / "more.jsonl", [{"id": "8", "title": "Taco Sauce", "department": "pantry"}])
    catalog.load(store, read_catalog(tmp_path / "more.jsonl"))
    catalog.vocabulary(store, min_count=1)  # a new catalog version: built again
    assert built == [1, 1, 1]
