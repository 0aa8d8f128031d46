"""What every command shares: consoles, typed options, the usage-error exit, opening the store."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from judge.config import validation_message
from judge.judges.providers import LLMSettings
from judge.store import DEFAULT_DB as DEFAULT_DB
from judge.store import Store
from judge.store.location import locate

out = Console()
err = Console(stderr=True)

EXIT_FAIL = 1  # the batch does not meet the policy's CI thresholds
EXIT_USAGE = 2  # usage, configuration, unreadable input, store or output errors
EXIT_CRASH = 3  # an internal error (a bug): never mistaken for a policy FAIL

DbOpt = Annotated[str, typer.Option("--db", help="Verdict store: a SQLite file, or a PostgreSQL URL (postgresql+psycopg://user@host/db).", envvar="JUDGE_DB")]
CatalogDbOpt = Annotated[str | None, typer.Option("--catalog-db", help="SQLite file holding the product catalog (judge catalog load), if not the store itself; a PostgreSQL store needs one.", envvar="JUDGE_CATALOG_DB")]
RunOpt = Annotated[str | None, typer.Option("--run", help="Run id (default: the latest run).")]
RunArg = Annotated[str | None, typer.Argument(help="Run id (default: the latest run).")]
PolicyOpt = Annotated[str, typer.Option("--policy", "-p", help="Policy file, or a shipped policy name (default, strict).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

P = "LLM judges"
BaseUrlOpt = Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1.", envvar="OPENAI_BASE_URL", rich_help_panel=P)]
ApiKeyOpt = Annotated[str | None, typer.Option(help="API key (never stored or printed).", envvar="OPENAI_API_KEY", show_default=False, rich_help_panel=P)]
ModelOpt = Annotated[str | None, typer.Option(help="Judge model name.", envvar="JUDGE_MODEL", rich_help_panel=P)]
ModeOpt = Annotated[str, typer.Option(help="Structured-output mode: tools, json_schema, json (json_object; llama.cpp) or md_json.", rich_help_panel=P)]
TemperatureOpt = Annotated[float, typer.Option(help="Sampling temperature.", rich_help_panel=P)]
MaxTokensOpt = Annotated[int, typer.Option(help="Max completion tokens per call.", rich_help_panel=P)]
TimeoutOpt = Annotated[float, typer.Option(help="Seconds per attempt.", rich_help_panel=P)]
ConcurrencyOpt = Annotated[int, typer.Option(help="Concurrent LLM calls.", min=1, rich_help_panel=P)]
MaxRetriesOpt = Annotated[int, typer.Option(help="Retries on 429/5xx/timeouts (honouring Retry-After).", min=0, rich_help_panel=P)]
MaxTotalTokensOpt = Annotated[int | None, typer.Option(help="Token budget: stop cleanly when spent.", rich_help_panel=P)]
MaxCostOpt = Annotated[float | None, typer.Option(help="Cost budget (with the prices below): stop cleanly when spent.", rich_help_panel=P)]
PromptPriceOpt = Annotated[float, typer.Option(help="Price per 1k prompt tokens, for the cost estimate.", rich_help_panel=P)]
CompletionPriceOpt = Annotated[float, typer.Option(help="Price per 1k completion tokens.", rich_help_panel=P)]
DeadlineOpt = Annotated[float | None, typer.Option(help="Seconds for the whole run: then calls stop, the unscored go to review and the run is marked stopped.", min=0.001, rich_help_panel=P)]
StorePromptsOpt = Annotated[bool, typer.Option(help="Store rendered prompts, not only their hashes.", rich_help_panel=P)]


# Control characters (ANSI escapes, bell, backspace, carriage return ...) and bidirectional overrides in
# stored text must not drive the terminal: each becomes one visible character, so offsets stay valid.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(m: re.Match[str]) -> str:
    c = ord(m.group())
    return chr(0x2400 + c) if c < 0x20 else "\u2421" if c == 0x7F else "\ufffd"


def safe(text: object) -> str:
    """``text`` fit for a terminal: every control character shown as a symbol (ESC as ␛), never obeyed."""
    return _UNSAFE.sub(_picture, "" if text is None else str(text))


def fail(message: str) -> typer.Exit:
    """Print an error and return the usage-error exit (never the policy-FAIL code) for ``raise``."""
    err.print(Text.assemble(("error: ", "bold red"), safe(message)), soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def open_store(db: str, catalog_db: str | None = None) -> Store:
    return Store(db, catalog_db)


def store_file(db: str | None) -> Path | None:
    """The SQLite file of a ``--db`` value (outputs must not overwrite it); None for a server's URL."""
    return None if db is None else locate(db).path


def llm_settings(**kwargs: Any) -> LLMSettings:
    try:
        return LLMSettings(**kwargs)
    except ValidationError as e:
        raise fail(f"invalid LLM option: {validation_message(e)}") from None
