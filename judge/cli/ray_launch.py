"""``judge gate INPUT --ray ADDRESS``: the other workers of a run as Ray tasks (the ``ray`` extra).

Each task runs one worker (``judge gate INPUT --join-run RUN``, as ``--workers`` does) on some node of the
cluster: it takes blocks of the input from the store until none is left. The store must be one that every
node reaches (PostgreSQL; a SQLite file only on one machine). The input travels once through Ray's object
store, for nodes that do not have the file. The API key and the store's password never travel in a task's
arguments: a local Ray inherits this process's environment; on a cluster, set OPENAI_API_KEY and PGPASSWORD (or
a ~/.pgpass) on the nodes.

A task that dies is retried by Ray, and the blocks it had taken are gated by the run's owner in its last
pass, as with ``--workers``: nothing is lost, and stored verdicts are not redone.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from judge.errors import ConfigError
from judge.store import RunRow

LOCAL = "local"


def ray_launcher(address: str, tasks: int, args: list[str], secrets: dict[str, str]) -> Callable[[RunRow], Callable[[], None]]:
    """Start ``tasks`` Ray tasks on a run (``tasks`` 0: one per CPU of the cluster); the function returned
    waits for them and, for a Ray this process started, shuts it down."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--ray needs Ray: install the `ray` extra (pip install 'storefront-judge[ray]')") from None
    started = address == LOCAL
    if started:
        os.environ.update(secrets)  # the local workers inherit the key and the store's password: never task arguments
    if started:
        ray.init(include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1", configure_logging=False)
    else:
        ray.init(address=address, log_to_driver=False, configure_logging=False)
    count = tasks or max(1, int(ray.cluster_resources().get("CPU", 1)) - (1 if started else 0))
    input_path = Path(args[0])
    data = input_path.read_bytes()
    data_ref, digest = ray.put(data), hashlib.sha256(data).hexdigest()
    remote = ray.remote(num_cpus=1, max_retries=2, retry_exceptions=True)(gate_share)

    def launch(run: RunRow) -> Callable[[], None]:
        refs = [remote.remote([*args[1:], "--join-run", run.id, "-q"], input_path.name, str(input_path), digest, data_ref)
                for _ in range(count)]

        def wait() -> None:
            try:
                for ref in refs:
                    try:
                        ray.get(ref)
                    except Exception:  # noqa: BLE001 - a task that failed for good leaves its blocks to the owner
                        pass
            finally:
                if started:
                    ray.shutdown()

        return wait

    return launch


def gate_share(options: list[str], name: str, path: str, digest: str, data: Any) -> int:
    """One Ray task: a worker of the run on this node, on the input file if the node has it, else on a copy."""
    local = Path(path)
    copy = None
    if not (local.is_file() and hashlib.sha256(local.read_bytes()).hexdigest() == digest):
        fd, copy = tempfile.mkstemp(suffix=Path(name).suffix or ".jsonl", prefix="judge-input-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        local = Path(copy)
    try:
        threads = {"OMP_NUM_THREADS": "1"}
        done = subprocess.run([sys.executable, "-m", "judge.cli", "gate", str(local), *options], env=os.environ | threads,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    finally:
        if copy:
            os.unlink(copy)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"worker exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return done.returncode
