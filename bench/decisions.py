"""Decisions per second, against a bare JSON round trip of the same input, in the same run.

    python bench/decisions.py [--n 100000] [--seed 7]

Prints: the engine in-process (every situation new to the cache, then again warm), the JSON round
trip of the same situations (stdlib json and orjson), and `smpolicy decide` end to end on a JSON
Lines file against a bare `json.loads`/`json.dumps` script reading and writing the same file.
Targets
(issue 2): 200,000 decisions/s, and `smpolicy decide` at most 3x the JSON round trip.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from smpolicy.policy import Engine
from smpolicy.policy import vocabulary as v

PLATFORMS = [
    "facebook",
    "instagram",
    "tiktok",
    "snapchat",
    "whatsapp",
    "youtube",
    "roblox",
    "x",
    "discord",
    "netmums",
    "linkedin",
    "some-new-app",
]


def situations(n: int, seed: int) -> list[dict[str, Any]]:
    """Realistic situations: most fields filled, some left out, drawn from the whole vocabulary."""
    rnd = random.Random(seed)

    def maybe(value: Any, p: float = 0.8) -> Any:
        return value if rnd.random() < p else None

    out = []
    for _ in range(n):
        s: dict[str, Any] = {
            "actor": {
                "role": rnd.choice(v.ROLES),
                "age": maybe(rnd.randint(5, 65), 0.6),
                "new_starter": maybe(rnd.random() < 0.1, 0.5),
            },
            "action": rnd.choice(v.ACTIONS),
            "counterpart": {
                "role": rnd.choice(v.ROLES),
                "age": maybe(rnd.randint(4, 60), 0.6),
                "on_roll": maybe(rnd.choice(v.ON_ROLL), 0.6),
            },
            "channel": {
                "account": maybe(rnd.choice(v.ACCOUNTS)),
                "platform": maybe(rnd.choice(PLATFORMS)),
            },
            "network": maybe(rnd.choice(v.NETWORKS), 0.5),
            "device": maybe(rnd.choice(v.DEVICES), 0.5),
            "on_premises": maybe(rnd.random() < 0.5, 0.5),
            "content": {
                "about": rnd.sample(v.CONTENT_ABOUT, rnd.randint(0, 2)),
                "images_of": rnd.sample(v.IMAGES_OF, rnd.randint(0, 1)),
                **{f: maybe(rnd.random() < 0.1, 0.7) for f in v.CONTENT_FLAGS},
            },
            "permissions": {p: maybe(rnd.random() < 0.5, 0.6) for p in v.PERMISSIONS},
        }
        out.append(s)
    return out


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f}/s  ({seconds * 1e6 / n:6.2f} µs each)"


def timed(fn: Any, items: list[Any]) -> float:
    """Seconds to call fn on every item, dropping each answer as a streaming consumer does."""
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = args.n
    items = situations(n, args.seed)
    lines = [json.dumps(s) for s in items]
    # The inputs live for the whole run; frozen, the garbage collector stops rescanning them in
    # every timed loop below (ours and the baselines alike), which otherwise dominates the figures.
    gc.collect()
    gc.freeze()
    distinct = len(set(lines))
    print(f"{n:,} situations ({distinct:,} distinct), one core, Python {sys.version.split()[0]}")

    engine = Engine()
    cold = timed(engine.decide, items)
    warm = timed(engine.decide, items)
    fresh = Engine()
    cold_json = timed(fresh.decide_json, items)
    print(f"engine.decide, cold cache      {rate(n, cold)}")
    print(f"engine.decide, warm cache      {rate(n, warm)}")
    print(f"engine.decide_json, cold cache {rate(n, cold_json)}")

    stdlib_rt = timed(lambda line: json.dumps(json.loads(line)), lines)
    orjson_rt = timed(lambda line: orjson.dumps(orjson.loads(line)), lines)
    print(f"JSON round trip, stdlib json   {rate(n, stdlib_rt)}")
    print(f"JSON round trip, orjson        {rate(n, orjson_rt)}")
    parse_and_decide = timed(lambda line: fresh.decide_json(orjson.loads(line)), lines)
    print(
        f"parse + decide + serialise     {rate(n, parse_and_decide)}  "
        f"= {parse_and_decide / stdlib_rt:.2f}x the stdlib round trip"
    )

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "situations.jsonl"
        src.write_text("\n".join(lines) + "\n")
        bare = (
            "import json, sys\n"
            "out = sys.stdout\n"
            "for line in sys.stdin:\n"
            "    out.write(json.dumps(json.loads(line)) + '\\n')\n"
        )
        cli = [sys.executable, "-m", "smpolicy", "decide", str(src)]
        base = [sys.executable, "-c", bare]

        def run(cmd: list[str]) -> float:
            with src.open("rb") as stdin:
                start = time.perf_counter()
                subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
                return time.perf_counter() - start

        cli_s = min(run(cli) for _ in range(3))
        base_s = min(run(base) for _ in range(3))
        print(f"`smpolicy decide` end to end   {rate(n, cli_s)}")
        print(f"bare JSON round-trip script    {rate(n, base_s)}")
        ratio = cli_s / base_s
        print(f"smpolicy decide / JSON round trip = {ratio:.2f}x (target at most 3x)")
    best = n / min(cold, cold_json)
    print(f"decisions/s (cold, in-process) = {best:,.0f} (target 200,000; Cedar ~20,000)")


if __name__ == "__main__":
    main()
