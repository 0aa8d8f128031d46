"""What Debian says of an installed package: its version, for the provenance of a list derived from it."""

from __future__ import annotations

import subprocess


def package_version(package: str) -> str | None:
    """The installed version of a Debian package, or None when it is not installed (or there is no dpkg)."""
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True,
                              check=False)
    except FileNotFoundError:
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None
