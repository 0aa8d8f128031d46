"""The HTML report, opened in a real headless Chromium through Playwright."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge import Gate, Store, load_policy
from judge.cli import app
from judge.surfaces.reader import read_input
from judge.surfaces.report import build, write_report
from tests.conftest import cand, write_jsonl

runner = CliRunner()
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'


@pytest.fixture
def report_run(tmp_path: Path, no_toxicity_policy: Path):
    rows = [
        cand("ok-1", "Cozy soup season", ["chicken broth", "egg noodles"]),
        cand("ok-2", "Weeknight flavor builders", ["taco seasoning", "salsa verde"], placement="hero"),
        cand("bad", "Sh1t-hot sauces", ["hot sauce", "sriracha"]),
        cand("evil", EVIL, ["<b>bold</b>", "salsa"]),
        cand("comp", "Better than Walmart prices", ["paper towels", "dish soap"]),
    ]
    p = write_jsonl(tmp_path / "in.jsonl", rows)
    store = Store(tmp_path / "j.db")
    first = Gate(load_policy(no_toxicity_policy), store).run(read_input(write_jsonl(tmp_path / "base.jsonl", rows[:3])))
    second = Gate(load_policy(no_toxicity_policy), store).run(read_input(p))
    return store, second.run, first.run


def test_report_is_self_contained_and_escapes_candidate_text(report_run, tmp_path: Path):
    store, run, base = report_run
    out = write_report(store, run, tmp_path / "r.html", baseline=base)
    html = out.read_text()
    assert "&lt;script&gt;window.__pwned" in html and "<script>window.__pwned" not in html
    assert "http://" not in html and "https://" not in html  # no CDN, fonts or remote scripts
    assert f"Compared with run {base.id}" in html
    ctx = build(store, run)
    # the markup in EVIL is an injection attempt (a tag in grocery text), so it is rejected
    assert ctx["stats"].counts == {"approved": 2, "rejected": 2, "needs_review": 1, "error": 0}


def test_report_in_a_real_browser(report_run, tmp_path: Path):
    if not Path(CHROMIUM).exists() and not os.environ.get("REQUIRE_BROWSER"):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright import sync_api as playwright
    store, run, base = report_run
    out = write_report(store, run, tmp_path / "r.html", baseline=base)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(out.as_uri())
            assert errors == []
            assert page.evaluate("window.__pwned") is None  # the injected script never ran
            assert EVIL.split(">")[0] in page.inner_text("#items")  # ... and is shown as text
            rows = page.locator("#items tbody tr")
            assert rows.count() == 5
            visible = lambda: sum(1 for i in range(rows.count()) if rows.nth(i).is_visible())  # noqa: E731
            page.fill("#q", "walmart")
            assert visible() == 1
            page.fill("#q", "")
            page.select_option("#decision", "rejected")
            assert visible() == 2 and "2 shown" in page.inner_text("#shown")
            page.select_option("#decision", "")
            assert visible() == 5
        finally:
            browser.close()


def test_report_caps_items_and_cli_defaults_to_latest_run(tmp_path: Path, no_toxicity_policy: Path):
    rows = [cand(f"c{i}", f"Theme number {i}", ["olive oil", f"rice {i}"]) for i in range(300)]
    rows[7] = cand("c7", "Sh1t-hot sauces", ["hot sauce", "sriracha"])
    p = write_jsonl(tmp_path / "in.jsonl", rows)
    db = tmp_path / "j.db"
    runner.invoke(app, ["gate", str(p), "--db", str(db), "--policy", str(no_toxicity_policy)])
    out = tmp_path / "r.html"
    res = runner.invoke(app, ["report", "--db", str(db), "--out", str(out), "--max-items", "50"])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "Showing 50 of 300 candidates" in html
    assert html.index(">c7<") < html.index(">c0<")  # the least approved come first
    assert runner.invoke(app, ["report", "nope", "--db", str(db)]).exit_code == 2
    assert json.loads(runner.invoke(app, ["runs", "--db", str(db), "--json"]).output)[0]["counts"]["rejected"] == 1
