"""The cascade: generation, constraints, gate, retrieval, fusion, storefront, demo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml
from typer.testing import CliRunner

from judge import Store, load_policy
from judge.cascade import catalog
from judge.cascade.generate import OfflineGenerator, PlacementSpec, constrain
from judge.cascade.storefront import StorefrontConfig, build, fuse
from judge.cli import app
from judge.store import Product
from judge.surfaces.catalog_files import read_catalog, read_placements
from judge.surfaces.demo import write_sample
from tests.conftest import ROOT

runner = CliRunner()


def test_constrain_snaps_or_drops_keywords():
    vocab = ["taco shells", "salsa verde", "refried beans"]
    kept, dropped = constrain(["Taco Shells", "salsa verdee", "unicorn steaks", "taco shells"], vocab)
    assert kept == ["taco shells", "salsa verde"] and dropped == ["unicorn steaks"]


def test_weighted_reciprocal_rank_fusion_keeps_both_scores():
    p = lambda i, bm25, pop: Product(str(i), f"t{i}", None, None, None, None, pop, bm25)
    fused = fuse({"a": [p(1, -9.0, 0.1), p(2, -5.0, 0.9)], "b": [p(2, -8.0, 0.9), p(3, -1.0, None)]}, StorefrontConfig())
    assert [x["id"] for x in fused] == ["1", "2", "3"]  # retrieval weighs more by default
    top = fused[0]
    assert top["retrieval_rank"] == 1 and top["ranker_rank"] == 2 and top["ranker_score"] == 0.1
    assert abs(top["fused_score"] - (1 / 61 + 0.5 / 62)) < 1e-6
    by_ranker = fuse({"a": [p(1, -9.0, 0.1), p(2, -5.0, 0.9)]}, StorefrontConfig(w_ranker=2.0))
    assert [x["id"] for x in by_ranker] == ["2", "1"]  # a heavier ranker weight lets popularity win


def test_demo_builds_a_storefront_without_rejected_content(tmp_path: Path):
    res = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    sf = json.loads((tmp_path / "storefront.json").read_text())
    assert (tmp_path / "reports" / "demo.html").is_file()
    con = sqlite3.connect(tmp_path / "judge.db")
    decisions = dict(con.execute("SELECT candidate_id, decision FROM verdicts"))
    placed = [pl for page in sf["pages"] for pl in page["placements"]]
    assert len(placed) >= 6
    for pl in placed:
        assert decisions[pl["candidate_id"]] == "approved"
        assert pl["checks"]["products"] >= StorefrontConfig().min_products
        scores = [p["fused_score"] for p in pl["products"]]
        assert scores == sorted(scores, reverse=True)
        assert all("retrieval_score" in p and "ranker_score" in p for p in pl["products"])
        assert pl["generator"]["model"] == "offline-templates"
    kids = next(page for page in sf["pages"] if page["page"] == "kids")
    assert not any("beer" in pl["theme"].lower() or "beer" in " ".join(pl["keywords"]) for pl in kids["placements"])
    assert not any(d.startswith("bad-") and v == "approved" for d, v in decisions.items())
    themes = [pl["theme"] for pl in sf["pages"][0]["placements"]]
    assert len(set(themes)) == len(themes)


def test_a_rejected_candidate_is_backfilled_and_the_reason_recorded(tmp_path: Path):
    products, placements, _ = write_sample(tmp_path / "data")
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    terms = tmp_path / "no_soup.yaml"
    terms.write_text(yaml.safe_dump({"version": "t", "categories": [
        {"id": "no_soup", "severity": "block", "terms": ["broth", "soup"], "examples": {"hit": ["soup"], "ok": ["x"]}}]}))
    data = yaml.safe_load((ROOT / "policies" / "default.yaml").read_text())
    data["checks"]["terms"]["lists"] = [str(ROOT / "policies" / "terms" / "garm.yaml"), str(terms)]
    data["checks"]["terms"]["allow"] = [str(ROOT / "policies" / "terms" / "allow.yaml")]
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text(yaml.safe_dump(data))
    hero = [p for p in read_placements(placements)[0] if p.id == "home-hero"]
    sf = build(store, hero, load_policy(policy_file)).to_json()
    (page,) = sf["pages"]
    placed = page["placements"][0] if page["placements"] else None
    assert placed is not None and placed["backfilled"] and "soup" not in placed["theme"].lower()
    assert any("rejected" in s for s in placed["skipped"])


def test_offline_generator_respects_context(tmp_path: Path):
    products, _, _ = write_sample(tmp_path / "data")
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    gen = OfflineGenerator(store)
    kids = PlacementSpec(id="k", page="kids", context={"audience": "kids"})
    for c in gen.generate(kids, 5):
        assert c.generator.model_extra["aisle"] != "beer"
    taco = gen.generate(PlacementSpec(id="t", context={"notes": "taco night"}), 1)[0]
    assert taco.generator.model_extra["aisle"] == "latino foods" and len(taco.keywords) == 4


def test_storefront_cli(tmp_path: Path):
    products, placements, _ = write_sample(tmp_path / "data")
    db = tmp_path / "j.db"
    assert runner.invoke(app, ["catalog", "load", str(products), "--db", str(db)]).exit_code == 0
    out = tmp_path / "sf.json"
    res = runner.invoke(app, ["storefront", "build", "--placements", str(placements), "--catalog-db", str(db), "--out", str(out), "--skip-llm"])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["pages"]
    empty = tmp_path / "empty.db"
    res = runner.invoke(app, ["storefront", "build", "--placements", str(placements), "--catalog-db", str(empty), "--skip-llm"])
    assert res.exit_code == 2 and "no catalog" in " ".join(res.output.split())


def test_llm_generator_and_judges_are_used_with_an_endpoint(tmp_path: Path):
    from judge import LLMSettings
    from tests.llm_server import LLMServer

    products, placements, _ = write_sample(tmp_path / "data")
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    specs = [p for p in read_placements(placements)[0] if p.id == "home-row-2"]
    with LLMServer() as srv:
        srv.llm.generation = {"theme": "Taco Tuesday at home", "keywords": ["taco shells", "salsa verdee", "unicorn steaks", "refried beans"]}
        sf = build(store, specs, load_policy("default"), llm=LLMSettings(base_url=srv.base_url, model="gen"), skip_llm=False).to_json()
        bodies = [r.body for r in srv.llm.requests]
    (pl,) = sf["pages"][0]["placements"]
    assert pl["theme"] == "Taco Tuesday at home"
    assert pl["keywords"] == ["taco shells", "salsa verde", "refried beans"]  # snapped, and the unknown one dropped
    assert pl["generator"]["model"] == "gen" and pl["generator"]["prompt_version"].startswith("generate-v1+")
    assert pl["generator"]["dropped_keywords"] == ["unicorn steaks"]
    assert sf["llm_judges"] == "active"
    assert any(b.get("tools", [{}])[0].get("function", {}).get("name") == "ThemeProposal" for b in bodies)
    assert sum(1 for b in bodies if "Rubric:" in json.dumps(b)) >= 4  # the judges ran on the generated candidate


def test_distill_export_and_compare(tmp_path: Path):
    assert runner.invoke(app, ["demo", "--out", str(tmp_path)]).exit_code == 0
    db = tmp_path / "judge.db"
    runs = json.loads(runner.invoke(app, ["runs", "--db", str(db), "--json"]).output)
    storefront_run, bad_run = runs[0]["run_id"], runs[1]["run_id"]
    out = tmp_path / "train.jsonl"
    res = runner.invoke(app, ["distill", "export", "--out", str(out), "--db", str(db), "--run", storefront_run])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    con = sqlite3.connect(db)
    approved = con.execute("SELECT count(*) FROM verdicts WHERE run_id = ? AND decision = 'approved'", (storefront_run,)).fetchone()[0]
    assert len(rows) == approved > 0
    first = rows[0]
    assert [m["role"] for m in first["messages"]] == ["system", "user", "assistant"]
    assert set(json.loads(first["messages"][2]["content"])) == {"theme", "keywords"}
    assert first["metadata"]["generator"]["model"] == "offline-templates"
    res = runner.invoke(app, ["compare", bad_run, storefront_run, "--db", str(db), "--json",
                              "--storefront-b", str(tmp_path / "storefront.json")])
    assert res.exit_code == 0, res.output
    cmp = json.loads(res.output)
    assert cmp["a"]["approval_rate"] == 0.0 and cmp["b"]["approval_rate"] > 0.5
    assert cmp["b"]["generators"] == {"offline-templates": cmp["b"]["candidates"]}
    assert cmp["b"]["product_precision_at_k"] > 0.5
    assert runner.invoke(app, ["compare", bad_run, storefront_run, "--db", str(db)]).exit_code == 0


def test_storefront_options_vocabulary_role_and_fallback(tmp_path: Path):
    products, placements, _ = write_sample(tmp_path / "data")
    db = tmp_path / "j.db"
    runner.invoke(app, ["catalog", "load", str(products), "--db", str(db)])
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("taco shells\nenchilada sauce\nrefried beans\nsalsa verde\n")
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "home-row-2", "page": "home", "context": {"notes": "taco night"}}) + "\n")
    out = tmp_path / "sf.json"
    res = runner.invoke(app, ["storefront", "build", "--placements", str(one), "--catalog-db", str(db), "--out", str(out),
                              "--skip-llm", "--vocabulary", str(vocab), "--role", "student", "--candidates", "1"])
    assert res.exit_code == 0, res.output
    (pl,) = json.loads(out.read_text())["pages"][0]["placements"]
    assert set(pl["keywords"]) <= set(vocab.read_text().split("\n")) and pl["generator"]["role"] == "student"
    # impossible product requirements: "next" drops with reasons; "fallback" tries a fallback theme, which fails too
    for mode in ("next", "fallback"):
        res = runner.invoke(app, ["storefront", "build", "--placements", str(one), "--catalog-db", str(db), "--out", str(out),
                                  "--skip-llm", "--min-products", "999", "--backfill", mode])
        assert res.exit_code == 0, res.output
        page = json.loads(out.read_text())["pages"][0]
        assert page["placements"] == [] and page["dropped"][0]["reasons"]
        assert any("#fallback" in r for r in page["dropped"][0]["reasons"]) == (mode == "fallback")
    res = runner.invoke(app, ["storefront", "build", "--placements", str(one), "--catalog-db", str(db), "--out", str(out),
                              "--skip-llm", "--backfill", "fallback", "--candidates", "1", "--min-precision", "0"])
    assert json.loads(out.read_text())["pages"][0]["placements"]
