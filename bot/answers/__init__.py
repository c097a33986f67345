"""Answering: a typed command becomes a typed result (pure; no store, no Slack).

`ask(text)` parses and evaluates; `evaluate(command)` evaluates a parsed command. Results are
frozen dataclasses (`bot.answers.results`) that `bot.render` turns into text, JSON and Block Kit.
"""

from bot.answers.evaluate import ask, evaluate

__all__ = ["ask", "evaluate"]
