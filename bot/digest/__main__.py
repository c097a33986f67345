"""`python -m bot.digest`: run one clock tick (post what is due) and exit, for a platform
scheduler (Heroku Scheduler, cron) instead of the long-running `tokencost clock`."""

from __future__ import annotations

from bot.digest.clock import run_once

if __name__ == "__main__":
    raise SystemExit(run_once())
