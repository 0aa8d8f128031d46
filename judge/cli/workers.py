"""``judge gate --workers N``: the other N-1 worker processes of a run, started with the gate's own options.

Each worker takes blocks of the input from the store (``run_blocks``) and gates them into the same run; the
process that started them gates blocks too, then every line that no worker finished, then counts the whole run.
A worker that dies leaves its lines to that last pass: nothing is lost, and stored verdicts are not redone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from judge.errors import ConfigError
from judge.store import RunRow
from judge.store.location import locate

# gate options a worker repeats, by parameter name -> flag (the API key goes by environment, never argv)
FORWARDED = {
    "policy": "--policy", "db": "--db", "catalog_db": "--catalog-db", "base_url": "--base-url", "model": "--model", "mode": "--mode",
    "temperature": "--temperature", "max_tokens": "--max-tokens", "timeout": "--timeout", "concurrency": "--concurrency",
    "max_retries": "--max-retries", "max_total_tokens": "--max-total-tokens", "max_cost": "--max-cost",
    "prompt_price": "--prompt-price", "completion_price": "--completion-price", "deadline": "--deadline",
    "batch_size": "--batch-size", "batch_poll": "--batch-poll",
}
FLAGS = {"skip_llm": "--skip-llm", "store_prompts": "--store-prompts", "llm_batch": "--llm-batch"}


def worker_args(input_path: Path, options: dict[str, Any]) -> list[str]:
    """The command line of one worker: ``judge gate INPUT`` with the same options (``options``: the gate's
    parameters by name; the others are ignored) and no outputs. A store URL goes without its password, which
    any local user could read in the process list: :func:`worker_secrets` carries it."""
    if str(input_path) == "-":
        raise ConfigError("--workers needs an input file: standard input can be read by one process only")
    args = [str(input_path.resolve())]
    for name, flag in FORWARDED.items():
        if options.get(name) is not None:
            value = str(options[name])
            args += [flag, _without_password(value) if name == "db" else value]
    args += [flag for name, flag in FLAGS.items() if options.get(name)]
    return args


def worker_secrets(options: dict[str, Any]) -> dict[str, str]:
    """What workers get by environment, never by argument: the API key, and the store's password (libpq reads
    ``PGPASSWORD`` when the URL has none)."""
    out = {"OPENAI_API_KEY": options["api_key"]} if options.get("api_key") else {}
    db = str(options.get("db") or "")
    password = locate(db).url.password if "://" in db else None
    return out | ({"PGPASSWORD": str(password)} if password else {})


def _without_password(db: str) -> str:
    if "://" not in db:
        return db
    url = locate(db).url
    return url._replace(password=None).render_as_string(hide_password=False) if url.password else db


def launcher(count: int, args: list[str], secrets: dict[str, str]) -> Callable[[RunRow], Callable[[], None]]:
    """Start ``count`` workers on a run; the function returned waits for them all. The cores are shared out:
    each process's torch (embeddings, toxicity) gets its part, not all of them (which would make two workers
    slower than one)."""
    threads = str(max(1, (os.cpu_count() or 1) // (count + 1)))
    _share_cores(threads)
    env = dict(os.environ) | {"OMP_NUM_THREADS": threads} | secrets

    def launch(run: RunRow) -> Callable[[], None]:
        cmd = [sys.executable, "-m", "judge.cli", "gate", *args, "--join-run", run.id, "-q"]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL) for _ in range(count)]

        def wait() -> None:
            for p in procs:
                p.wait()  # a worker that failed leaves its lines to the last pass of the run's owner

        return wait

    return launch


def _share_cores(threads: str) -> None:
    """This process's part of the cores, for torch, whether or not it is loaded yet."""
    os.environ["OMP_NUM_THREADS"] = threads
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(int(threads))
