"""Per-request CPU of a signed `/tokencost` command, in-process: ours against a bare Bolt app.

    python bench/inproc.py [--requests 3000] [--profile]

Both apps are called as WSGI apps in this thread (no server, no sockets), the bare one built by
`bench/bare_bolt.py` (configured as ours: `process_before_response=True`, an ack function),
and ours again with each answer replayed (`bench/floor_serve.py`): the floor under the ratio.
Lazy listeners run in Bolt's thread pool; the time counted is this process's CPU time, so
their share is included. `--profile` prints cProfile's top functions for ours.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import floor_serve  # noqa: E402
from bare_bolt import build as build_bare  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.slack.serve import build_wsgi  # noqa: E402
from tests.bot.slack_requests import command_body, sign  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402

SECRET = "bench-signing-secret"
TEXT = "gpt-4o 1000 in 500 out x 10k/day"
WSGI = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _environ(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip
    for key, value in headers.items():
        environ["HTTP_" + key.upper().replace("-", "_")] = value
    return environ


def run(app: WSGI, bodies: list[bytes], requests: int) -> float:
    """CPU seconds per request over `requests` calls."""
    signed = [(body, sign(body.decode(), secret=SECRET)) for body in bodies]

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        assert status.startswith("200"), status

    started = time.process_time()
    for i in range(requests):
        body, headers = signed[i % len(signed)]
        b"".join(app(_environ(body, headers), start_response))
    return (time.process_time() - started) / requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db_path=Path(tmp) / "t.db", bot_token="xoxb-bench",
                            signing_secret=SECRET, slack_api_url=fake.url)  # fmt: skip
        runtime = Runtime.start(settings, encodings=False)
        ours = build_wsgi(runtime)
        bare = build_bare(fake.url, SECRET)
        hook = fake.response_url("bench")
        bodies = [command_body(TEXT, hook, user=f"U{i:04d}").encode() for i in range(50)]
        for app in (ours, bare):
            run(app, bodies, 300)
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            run(ours, bodies, args.requests)
            prof.disable()
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(35)
            print(out.getvalue())
            return 0
        # Distinct texts (other counts, models and volumes) defeat any per-text memo: the
        # figure a varied workload gets.
        varied = [command_body(text, hook, user=f"U{i:04d}").encode()
                  for i, text in enumerate(_varied_texts(args.requests // 3))]  # fmt: skip
        figures = {name: [] for name in ("ours", "ours varied", "bare", "floor")}  # type: dict[str, list[float]]
        for _ in range(3):
            for name, app, sent in (("ours", ours, bodies), ("ours varied", ours, varied),
                                    ("bare", bare, bodies)):  # fmt: skip
                figures[name].append(run(app, sent, args.requests // 3))
            with floor_serve.replaying():
                figures["floor"].append(run(ours, bodies, args.requests // 3))
        runtime.close()
    o, v, b, f = (min(figures[name]) for name in ("ours", "ours varied", "bare", "floor"))
    print(f"in-process CPU per signed /tokencost ({TEXT}): ours {o * 1e6:.0f} µs, "
          f"bare Bolt {b * 1e6:.0f} µs ({o / b:.2f}x; best of 3)")  # fmt: skip
    print(f"  ours, a different estimate each request: {v * 1e6:.0f} µs ({v / b:.2f}x bare)")
    print(f"  floor, ours with each answer replayed (bench/floor_serve.py): {f * 1e6:.0f} µs "
          f"({f / b:.2f}x bare)")  # fmt: skip
    return 0


def _varied_texts(count: int) -> list[str]:
    """`count` different estimate commands: models, counts and volumes vary."""
    models = ("gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash", "gpt-4o-mini", "mistral-large")
    return [f"{models[i % len(models)]} {1000 + 7 * i} in {300 + 3 * i} out x {(i % 90) + 1}k/day"
            for i in range(count)]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
