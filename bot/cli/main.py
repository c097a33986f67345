"""`tokencost` (also `python -m bot`): ask, console, prices, serve.

One `cmd_*` function per subcommand, registered in `build_parser()`; add a subcommand by
writing its `cmd_*` and one `_add_*` block. Every `cmd_*` takes the parsed arguments and
returns the exit status. Users never see a traceback: unexpected errors print a short
reference and are logged.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import select
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import prices
from bot.answers import evaluate
from bot.answers.evaluate import HELP_TEXT
from bot.answers.lineage import old_label
from bot.answers.results import ErrorResult, HelpResult, ModelsResult, Result
from bot.config import ConfigError, Settings
from bot.language.commands import Count, Faq, Price
from bot.language.errors import ParseError
from bot.language.parse import parse_command
from bot.render.replies import render_json, render_text

if TYPE_CHECKING:
    from bot.pipeline import Reply
    from bot.runtime import Runtime

# Start-up (issue 15): `prices` and `ask` must answer faster than a peer library imports, so
# the runtime, the store (sqlite-utils) and the pipeline are imported by the commands that use
# them, and `main` builds only the subcommand it runs when that is `ask` or `prices`.

__all__ = ["HISTORY_FILE", "build_parser", "cmd_ask", "cmd_console", "main", "run_console"]

log = logging.getLogger("tokencost.cli")

#: Console history, kept between sessions (only for an interactive terminal).
HISTORY_FILE = Path.home() / ".tokencost_history"
_PROMPT = "tokencost> "
_QUIT = frozenset({"quit", "exit", ":q", "q", "bye"})


def _emit(result: Result, as_json: bool, out: TextIO) -> int:
    """Print a result; 1 for an error reply, else 0."""
    if as_json:
        print(json.dumps(render_json(result), ensure_ascii=False, indent=2), file=out)
    else:
        print(render_text(result), file=out)
    return 1 if isinstance(result, ErrorResult) else 0


def _settings() -> Settings:
    """Settings from the environment (bot/config.py is the only reader of os.environ)."""
    return Settings.from_env(os.environ)


def _runtime(encodings: bool = True) -> Runtime:
    """The runtime for CLI commands: catalog (with overrides), database, optional tokenizers."""
    from bot.runtime import Runtime

    return Runtime.start(_settings(), encodings=encodings)


def _print_reply(reply: Reply, as_json: bool, out: TextIO) -> int:
    """Print a pipeline reply; 1 for an error reply, else 0."""
    if as_json:
        print(json.dumps(reply.data, ensure_ascii=False, indent=2), file=out)
    else:
        print(reply.text, file=out)
    return 1 if reply.is_error else 0


def _prepare_encodings(text: str, catalog: prices.Catalog) -> None:
    """tiktoken costs ~0.7 s an estimate doesn't need: `count` loads the encodings now; a
    question loads one only if its answer counts tokens (an FAQ example), fetching it then
    if tiktoken's file cache lacks it (never before: most answers count nothing)."""
    try:
        command = parse_command(text, catalog)
    except ParseError:
        return
    if isinstance(command, Count):
        prices.load_encodings()  # once, before answering; never per request
    elif isinstance(command, Faq):
        prices.defer_encodings(fetch_missing=False)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one text as if typed after `/tokencost` (logged with surface `cli`)."""
    text = " ".join(args.text)
    if not args.text and not sys.stdin.isatty():
        text = sys.stdin.read()
    from bot.cli.quick import cli_runtime
    from bot.cli.team import cli_workspace
    from bot.pipeline import Asker, answer, log_reply

    runtime = cli_runtime(_settings())
    try:
        asker = Asker(surface="cli", workspace=cli_workspace(runtime, args.team), user_id="cli")
        _prepare_encodings(text, runtime.catalog)
        reply = answer(runtime, text, asker)
        log_reply(runtime, reply)
        return _print_reply(reply, args.json, sys.stdout)
    finally:
        runtime.close()


def _strip_prefix(line: str) -> str:
    stripped = line.strip()
    if stripped.lower().startswith("/tokencost"):
        stripped = stripped[len("/tokencost") :].strip()
    return stripped


_MORE_PROMPT = "... "


def _count_text(
    line: str, read: Callable[[str], str], pending: Callable[[], bool], catalog: prices.Catalog
) -> str:
    """A `count` line with the lines pasted after it: a paste arrives as several lines at
    once (`pending()` says another is waiting). `count MODEL` alone asks for the text and
    reads it up to an empty line."""
    lines = [line]
    waiting = not _has_count_text(line, catalog)
    while True:
        if pending():
            lines.append(read(""))
            continue
        if not waiting:
            break
        try:
            more = read(_MORE_PROMPT)
        except EOFError:
            break
        if not more.strip() and len(lines) > 1:
            break
        lines.append(more)
    return "\n".join(lines)


def _has_count_text(line: str, catalog: prices.Catalog) -> bool:
    """Whether a `count` line carries text after the model (else the text follows)."""
    try:
        parse_command(line, catalog)
    except ParseError as exc:
        return not exc.message.startswith("Paste the text")
    return True


def run_console(
    read: Callable[[str], str],
    out: TextIO,
    runtime: Runtime,
    pending: Callable[[], bool] = lambda: False,
    team: str | None = None,
) -> int:
    """The read-answer loop: `read(prompt)` gives a line, raises EOFError at the end;
    `pending()` says whether more pasted input is already waiting (multi-line `count`).

    Answers act on the workspace `team` (see `bot.cli.workspaces.cli_workspace`)."""
    from bot.cli.workspaces import cli_workspace
    from bot.pipeline import Asker, answer, log_reply

    asker = Asker(surface="cli", workspace=cli_workspace(runtime, team), user_id="cli")
    print("tokencost console: type a command (`help` for examples), `quit` to leave.", file=out)
    while True:
        try:
            line = read(_PROMPT)
            if _is_count(_strip_prefix(line)):
                line = _count_text(line, read, pending, runtime.catalog)
        except EOFError:
            print(file=out)
            return 0
        except KeyboardInterrupt:
            print("^C", file=out)
            continue
        text = _strip_prefix(line)
        if text.lower() in _QUIT:
            return 0
        if not line.strip():
            continue
        try:
            reply = answer(runtime, text, asker)
            print(reply.text, file=out)
            log_reply(runtime, reply)
        except Exception:  # one bad line must not end the session
            import uuid

            ref = uuid.uuid4().hex[:6]
            log.exception("console answer failed (ref %s)", ref)
            print(f"Something went wrong (ref {ref}); try another command.", file=out)


def _with_readline() -> Callable[[], None]:
    """Turn on line editing and history; returns the function that saves the history."""
    try:
        import readline
    except ImportError:  # e.g. Windows without pyreadline: plain input() still works
        return lambda: None
    with contextlib.suppress(OSError):  # first run, or unreadable: start empty
        readline.read_history_file(HISTORY_FILE)
    readline.set_history_length(1000)

    def save() -> None:
        try:
            readline.write_history_file(HISTORY_FILE)
        except OSError as exc:
            log.warning("could not save console history to %s: %s", HISTORY_FILE, exc)

    return save


def cmd_console(args: argparse.Namespace) -> int:
    """An interactive prompt over the same language as `/tokencost`."""
    runtime = _runtime()
    try:
        return run_console_interactive(runtime, args.team)
    finally:
        runtime.close()


def _catalog() -> prices.Catalog:
    """The catalog the bot uses: bundled, the operator's overrides file if one is configured,
    and the price changes refreshes recorded (nothing is fetched)."""
    from bot.cli.live import open_quick, quick_live

    settings = _settings()
    db = open_quick(settings)
    try:
        return quick_live(settings, db).catalog
    finally:
        if db is not None:
            db.close()


def _prices_list(args: argparse.Namespace) -> int:
    catalog = _catalog()
    if args.provider:
        models = catalog.by_provider(args.provider)
        if not models:
            known = ", ".join(p for p in catalog.provider_order if catalog.by_provider(p))
            error = ErrorResult(
                f"I don't know the provider `{args.provider}`; try one of: {known}."
            )
            return _emit(error, args.json, sys.stdout)
        groups = ((models[0].provider, models),)
        result = ModelsResult(models[0].provider, groups)
    else:
        order = [p for p in catalog.provider_order if catalog.by_provider(p)]
        result = ModelsResult(None, tuple((p, catalog.by_provider(p)) for p in order))
    if args.json:
        return _emit(result, True, sys.stdout)
    rows = [("model", "provider", "input/M", "cached/M", "output/M", "context")]
    for _provider, models in result.groups:
        for m in models:
            p = m.current
            cached = prices.format_usd(p.cached_input_per_mtok) if p.cached_input_per_mtok else "-"
            window = f"{m.context_window:,}" if m.context_window else "-"
            rows.append(
                (
                    m.id + (f" ({old_label(m)})" if old_label(m) else ""),
                    m.provider,
                    prices.format_usd(p.input_per_mtok),
                    cached,
                    prices.format_usd(p.output_per_mtok),
                    window,
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    print(f"{len(rows) - 1} models; USD per 1M tokens; checked up to {catalog.as_of.isoformat()}.")
    return 0


def _prices_show(args: argparse.Namespace) -> int:
    """One card per model named (`prices show gpt-4o claude sonnet 4.5`), standard rates."""
    catalog = _catalog()
    result: Result
    try:
        command = parse_command("price " + " ".join(args.model), catalog)
    except ParseError as exc:
        result = ErrorResult(exc.message, exc.suggestions)
    else:
        if isinstance(command, Price):
            result = evaluate(command, catalog)
        else:
            result = ErrorResult(
                "`prices show` takes model names only, like "
                "`tokencost prices show gpt-4o claude-sonnet-4-5`."
            )
    return _emit(result, args.json, sys.stdout)


def cmd_help(args: argparse.Namespace) -> int:
    """`tokencost help`: what to type after `/tokencost` (and in `ask`/`console`), and the
    CLI's own commands; `tokencost help COMMAND` is that command's `--help`."""
    parser: argparse.ArgumentParser = args.parser
    if args.topic:
        sub = _subparsers(parser).get(args.topic[0])
        if sub is None:
            known = ", ".join(sorted(_subparsers(parser)))
            print(f"tokencost: no command `{args.topic[0]}`; try one of: {known}.")
            return 2
        sub.print_help()
        return 0
    print(render_text(HelpResult(HELP_TEXT)))
    print()
    print("The same text works in Slack after /tokencost, in `tokencost ask TEXT`, and in")
    print("`tokencost console`. The CLI's own commands:")
    for name, summary in _summaries(parser):
        print(f"  tokencost {name:<8} {summary}")
    print("`tokencost help COMMAND` shows one command's options.")
    return 0


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommands' parsers by name (argparse keeps them only on its private action)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}  # pragma: no cover - build_parser always adds subcommands


def _summaries(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(name, one-line help) of each subcommand, in the order `--help` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return [(a.dest, a.help or "") for a in action._get_subactions()]
    return []  # pragma: no cover - build_parser always adds subcommands


def cmd_prices(args: argparse.Namespace) -> int:
    """`prices list` and `prices show`: the catalog, without the command language."""
    handler: Callable[[argparse.Namespace], int] = args.prices_func
    return handler(args)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Slack bot when credentials are set; otherwise say so and start the console."""
    from bot.slack.serve import serve

    runtime = _runtime()
    try:
        if serve(runtime):
            return 0
        return run_console_interactive(runtime)
    finally:
        runtime.close()


def run_console_interactive(runtime: Runtime, team: str | None = None) -> int:
    """The console on this terminal, with line editing and history when interactive."""
    tty = sys.stdin.isatty()
    save = _with_readline() if tty else (lambda: None)
    try:
        # Piped input is a script of commands, never one pasted text: no look-ahead then.
        pending = _pasted if tty else lambda: False
        return run_console(_read_private, sys.stdout, runtime, pending, team)
    finally:
        save()


def _pasted() -> bool:
    """Whether more typed-or-pasted input is already waiting on the terminal (a paste)."""
    try:
        ready, _, _ = select.select([sys.stdin], [], [], _PASTE_WAIT_S)
    except (OSError, ValueError):  # no select on this stream (Windows consoles)
        return False
    return bool(ready)


#: How long a paste's next line may take to arrive, in seconds.
_PASTE_WAIT_S = 0.05


def _read_private(prompt: str) -> str:
    """`input()`, but a `count` line and the lines of text after it (read at the
    continuation prompts) never stay in the saved history."""
    line = input(prompt)
    if prompt != _PROMPT or _is_count(_strip_prefix(line)):
        try:
            import readline
        except ImportError:  # no readline: no history either
            return line
        length = readline.get_current_history_length()
        if length:
            readline.remove_history_item(length - 1)
    return line


def cmd_runtime(args: argparse.Namespace) -> int:
    """Subcommands that need the runtime (ledger, digest, clock): `handler(args, runtime)`."""
    runtime = _runtime(encodings=False)
    try:
        handler: Callable[[argparse.Namespace, Runtime], int] = args.handler
        return handler(args, runtime)
    finally:
        runtime.close()


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object (money as decimal strings)"
    )


def _is_count(text: str) -> bool:
    from bot.respond import is_count

    return is_count(text)


def add_team_option(parser: argparse.ArgumentParser) -> None:
    """`--team` (see `bot.cli.team.add_team_option`)."""
    from bot.cli.team import add_team_option as add

    add(parser)


#: Subcommands `main` builds alone, without importing the other commands' modules.
_LIGHT = frozenset({"ask", "prices"})


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: one subparser per command, each with `func=cmd_*`.

    `only`: build just that subcommand (one of `_LIGHT`), so running it imports nothing the
    other commands need."""
    parser = argparse.ArgumentParser(
        prog="tokencost", description="What will this LLM API call cost? Estimates, FAQ, prices."
    )
    parser.add_argument("--debug", action="store_true", help="log details and tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    if only in (None, "ask"):
        _add_ask(sub)
    if only is not None:
        if only == "prices":
            _add_prices(sub)
        return parser
    from bot.cli.billing import add_billing_subcommand
    from bot.cli.faq import add_faq_subcommand
    from bot.cli.ledger import add_subcommands as add_ledger_subcommands
    from bot.cli.queries import add_queries_subcommand
    from bot.cli.workspaces import add_workspace_subcommands

    p_console = sub.add_parser("console", help="interactive prompt (no Slack needed)")
    add_team_option(p_console)
    p_console.set_defaults(func=cmd_console)

    _add_prices(sub)

    p_serve = sub.add_parser("serve", help="run the Slack bot (or the console without credentials)")
    p_serve.set_defaults(func=cmd_serve)

    p_help = sub.add_parser("help", help="what to type, with examples; `help COMMAND` for options")
    p_help.add_argument("topic", nargs="*", metavar="COMMAND")
    p_help.set_defaults(func=cmd_help, parser=parser)

    add_queries_subcommand(sub)
    add_faq_subcommand(sub)
    add_ledger_subcommands(sub)
    add_workspace_subcommands(sub)
    add_billing_subcommand(sub)
    for name in ("usage", "digest", "clock", "workspace", "ingest-token", "billing"):
        sub.choices[name].set_defaults(func=cmd_runtime)
    return parser


def _add_ask(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_ask = sub.add_parser("ask", help="answer TEXT as if typed after /tokencost")
    p_ask.add_argument("text", nargs="*", metavar="TEXT", help="e.g. gpt-4o 1000 500 x 10k/day")
    _add_json(p_ask)
    add_team_option(p_ask)
    p_ask.set_defaults(func=cmd_ask)


def _add_prices(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p_prices = sub.add_parser("prices", help="the price catalog")
    prices_sub = p_prices.add_subparsers(
        dest="prices_command", metavar="list|show|refresh|status", required=True
    )
    p_list = prices_sub.add_parser("list", help="every model with its prices")
    p_list.add_argument("--provider", help="only this provider (openai, anthropic, ...)")
    _add_json(p_list)
    p_list.set_defaults(func=cmd_prices, prices_func=_prices_list)
    p_show = prices_sub.add_parser("show", help="price cards of one or more models")
    p_show.add_argument("model", nargs="+", metavar="MODEL")
    _add_json(p_show)
    p_show.set_defaults(func=cmd_prices, prices_func=_prices_show)
    from bot.cli.prices_live import add_prices_live_subcommands  # light: stdlib only

    add_prices_live_subcommands(prices_sub)


def _quiet_logging(debug: bool) -> None:
    """Tracebacks only with `--debug`: users see a short reference instead."""
    if debug:
        logging.basicConfig(level=logging.DEBUG)
    elif not logging.getLogger().handlers:
        logging.getLogger("tokencost").addHandler(logging.NullHandler())
        logging.getLogger("tokencost").propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 answer, 1 error reply, 2 usage)."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(words[0] if words and words[0] in _LIGHT else None)
    args = parser.parse_args(words)
    _quiet_logging(args.debug)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tokencost prices list | head`: the reader left, not an error
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except ConfigError as exc:
        print(f"tokencost: {exc}", file=sys.stderr)
        return 2
    except prices.CatalogError as exc:
        print(f"tokencost: the price data is invalid: {exc.message}", file=sys.stderr)
        return 2
    except Exception as exc:
        store = sys.modules.get("bot.store.db")  # a StoreError needs the store imported
        if store is not None and isinstance(exc, store.StoreError):
            # e.g. --team missing while several workspaces are held
            print(f"tokencost: {exc.message}", file=sys.stderr)
            return 2
        import uuid

        ref = uuid.uuid4().hex[:6]
        log.exception("tokencost %s failed (ref %s)", getattr(args, "command", "?"), ref)
        print(f"Something went wrong (ref {ref}).", file=sys.stderr)
        return 2
