"""The product's entry point from a checkout: ``python cli.py ARGS`` is ``judge ARGS``.

The installed ``judge`` command runs :func:`judge.cli.main`; this file is not installed.
"""

from judge.cli import app, main

__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
