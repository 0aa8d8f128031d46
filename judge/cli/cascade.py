"""The cascade's commands: catalog load/search, storefront build, demo, distill export, compare."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from judge.cascade import catalog
from judge.cascade.distill import compare as compare_runs
from judge.cascade.distill import examples as distill_examples
from judge.cascade.storefront import StorefrontConfig, build
from judge.cli import common as c
from judge.cli.common import err, out
from judge.cli.render import T, compare_table, storefront_table
from judge.policy import load_policy
from judge.rules.checks.vocabulary import load_vocabulary
from judge.surfaces import export
from judge.surfaces.catalog_files import read_catalog, read_placements
from judge.surfaces.demo import run as run_demo
from judge.surfaces.output import check_outputs, write_output

catalog_app = typer.Typer(help="The product catalog: load it, search it (BM25).", no_args_is_help=True)
storefront_app = typer.Typer(help="Build storefront pages with the gated cascade.", no_args_is_help=True)
distill_app = typer.Typer(help="Teacher and student: fine-tuning data from approved content.", no_args_is_help=True)
BACKFILL = ("next", "fallback", "drop")


@catalog_app.command("load")
def catalog_load(
    file: Annotated[Path, typer.Argument(help="CSV (with header) or JSONL: id, title, brand, category, aisle, department, popularity, available; or Instacart's products.csv.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, generic or instacart.")] = "auto",
    db: c.DbOpt = c.DEFAULT_DB,
    catalog_db: c.CatalogDbOpt = None,
) -> None:
    """Load (upsert) a product catalog and rebuild its full-text index. Bad rows are reported and skipped."""
    result = catalog.load(c.open_store(db, catalog_db), read_catalog(file, fmt))
    for e in result.errors[:20]:
        err.print(T("catalog row skipped: " + e, style="magenta"), soft_wrap=True)
    if len(result.errors) > 20:
        err.print(f"... and {len(result.errors) - 20} more")
    out.print(f"{result.loaded:,} products loaded ({len(result.errors)} skipped); the catalog holds {result.total:,}")


@catalog_app.command("search")
def catalog_search(
    query: Annotated[str, typer.Argument(help="A keyword, as the storefront would search it.")],
    k: Annotated[int, typer.Option("-k", help="How many products.", min=1)] = 10,
    db: c.DbOpt = c.DEFAULT_DB,
    catalog_db: c.CatalogDbOpt = None,
) -> None:
    """Top-k products for a keyword by BM25."""
    table = Table(show_edge=False)
    for col in ("id", "title", "aisle", "department", "bm25"):
        table.add_column(col)
    for p in c.open_store(db, catalog_db).search_products(query, k):
        table.add_row(T(p.id), T(p.title), T(p.aisle), T(p.department), f"{p.bm25:.2f}")
    out.print(table)


@storefront_app.command("build")
def storefront_build(
    placements: Annotated[Path, typer.Option("--placements", help="JSONL: id, page, context (audience, season, notes, allowed/blocked categories), keywords (count).")],
    catalog_db: Annotated[str | None, typer.Option("--catalog-db", help="SQLite file holding the catalog (judge catalog load); the verdicts go there too unless --db is given.", envvar="JUDGE_CATALOG_DB")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Verdict store (a SQLite file or a PostgreSQL URL), if not the catalog's file.", envvar="JUDGE_DB")] = None,
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the storefront JSON.")] = Path("storefront.json"),
    policy: c.PolicyOpt = "default",
    skip_llm: Annotated[bool, typer.Option("--skip-llm", help="Offline generator and rule tier only.")] = False,
    vocabulary: Annotated[Path | None, typer.Option(help="Allowed keywords, one per line: generated keywords snap to it or are dropped.")] = None,
    backfill: Annotated[str, typer.Option(help="When a placement's candidates fail: next (try the next, then drop), fallback (also try a fallback theme), drop.")] = "next",
    candidates: Annotated[int, typer.Option(help="Candidates generated per placement.", min=1)] = 2,
    role: Annotated[str, typer.Option(help="Generator role recorded in provenance: teacher or student.")] = "teacher",
    k: Annotated[int, typer.Option("-k", help="Products retrieved per keyword.", min=1)] = 20,
    min_products: Annotated[int, typer.Option(help="Products a placement needs in all.", min=0)] = 6,
    min_per_keyword: Annotated[int, typer.Option(help="Products each keyword must retrieve.", min=0)] = 1,
    min_precision: Annotated[float, typer.Option(help="Share of theme-relevant products needed in the top 10.")] = 0.3,
    w_ranker: Annotated[float, typer.Option(help="Weight of the popularity ranker in the fusion (retrieval weighs 1).")] = 0.5,
    base_url: c.BaseUrlOpt = None,
    api_key: c.ApiKeyOpt = None,
    model: c.ModelOpt = None,
    mode: c.ModeOpt = "tools",
    concurrency: c.ConcurrencyOpt = 16,
) -> None:
    """Generate candidates for each placement, gate them, retrieve and rank products for approved ones."""
    if backfill not in BACKFILL:
        raise c.fail("--backfill must be next, fallback or drop")
    llm = c.llm_settings(base_url=base_url, api_key=api_key, model=model, mode=mode, concurrency=concurrency)
    use_llm = llm.configured and not skip_llm
    cfg = StorefrontConfig(candidates_per_placement=candidates, backfill=backfill, role=role, k=k, min_products=min_products,
                           min_per_keyword=min_per_keyword, min_precision=min_precision, w_ranker=w_ranker)
    store_db = db or catalog_db or c.DEFAULT_DB
    check_outputs({"--out": out_path}, {"the store": c.store_file(store_db), "the catalog": c.store_file(catalog_db),
                                        "the placements file": placements, "the vocabulary": vocabulary})
    vocab = list(load_vocabulary(vocabulary.resolve())[1]) if vocabulary else None
    specs, problems = read_placements(placements)
    for problem in problems:
        err.print(T("placement skipped: " + problem, style="magenta"), soft_wrap=True)
    sf = build(c.open_store(store_db, catalog_db), specs, load_policy(policy), cfg=cfg, llm=llm if use_llm else None,
               skip_llm=not use_llm, vocabulary=vocab)
    write_output(out_path, json.dumps(sf.to_json(), indent=2, ensure_ascii=False))
    out.print(storefront_table(sf))
    out.print(f"storefront: {out_path}", highlight=False)


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for judge.db, storefront.json, reports/ and the sample data.")] = Path("."),
) -> None:
    """Run the whole cascade offline on sample data it writes itself (no key, no network)."""
    r = run_demo(out_dir)
    bad = r.bad_run.counts
    out.print(f"deliberately bad candidates: {bad['rejected']} rejected, {bad['needs_review']} sent to review, "
              f"{bad['approved']} approved", highlight=False)
    out.print(storefront_table(r.storefront))
    out.print(f"store: {r.db}\nstorefront: {r.storefront_path}\nreport: {r.report}", highlight=False)


@distill_app.command("export")
def distill_export(
    out_path: Annotated[Path, typer.Option("--out", help="Chat-format JSONL to write.")],
    run: c.RunOpt = None,
    db: c.DbOpt = c.DEFAULT_DB,
) -> None:
    """Write the approved candidates of a run, with the prompts that would produce them, as fine-tuning JSONL."""
    check_outputs({"--out": out_path}, {"the store": c.store_file(db)})
    store = c.open_store(db)
    written, skipped = export.write_examples(distill_examples(store, store.require_run(run)), out_path)
    out.print(f"{written} approved example(s) written to {out_path}" + (f"; {skipped} skipped (not JSONL input)" if skipped else ""), highlight=False)


def compare(
    run_a: Annotated[str, typer.Argument(help="First run (e.g. the teacher's candidates).")],
    run_b: Annotated[str, typer.Argument(help="Second run (e.g. the student's candidates).")],
    storefront_a: Annotated[Path | None, typer.Option(help="storefront.json built from run A (for product precision).")] = None,
    storefront_b: Annotated[Path | None, typer.Option(help="storefront.json built from run B.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: c.DbOpt = c.DEFAULT_DB,
) -> None:
    """Compare two generators' runs: approval rate, per check and criterion, product precision, latency, tokens."""
    store = c.open_store(db)
    a, b = store.require_run(run_a), store.require_run(run_b)
    result = compare_runs(store, a, b, storefront_a, storefront_b)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
        return
    out.print(compare_table(result, a, b))
