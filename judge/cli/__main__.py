"""``python -m judge.cli``: the ``judge`` command (how ``judge gate --workers`` starts its workers)."""

from judge.cli import main

main()
