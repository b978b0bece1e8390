"""How well the Ask sentence reader fills the form, on the question set written blind.

    python bench/ask_words.py [--show-errors]

Scores smpolicy.asking.words on tests/asking/corpus/questions_blind.yaml as its README suggests:
a field the reader fills is right when it equals the label's `expect` value or one in `accept`
(for lists: every member in either), wrong when it differs, when the label lists it `unknown`, or
when the item expects nothing; fields in neither are not scored. Prints the share of filled fields
that are right (the aim, issue 12: 0.85 or more), recall over the labels' `expect` fields, per
field, and the off-topic items left empty. `actor.role` taken from the asker (the form's default,
not read from the words) is not counted as filled. Beside it, in the same run, a baseline that
fills only the platform from its name, so the table says what the reader adds. The file is never
tuned on: read it, don't learn from it.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from smpolicy.asking.words import Answer, Reading, read_question
from smpolicy.platforms import default_catalogue

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "asking" / "corpus"
QUESTIONS = QUESTIONS / "questions_blind.yaml"


def flatten(expect: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in expect.items():
        if key == "hints":
            continue
        if isinstance(value, dict):
            for sub, inner in value.items():
                out[f"{key}.{sub}"] = inner
        else:
            out[key] = value
    return out


def filled_fields(reading: Reading) -> dict[str, Any]:
    return {
        path: a.value
        for path, a in reading.answers.items()
        if not (path == "actor.role" and a.words == "you")
    }


def baseline(text: str, asker: str) -> Reading:
    """The platform by its catalogue name or id, nothing else."""
    reading = Reading(text)
    for platform in default_catalogue():
        for name in (platform.name, platform.id):
            if len(name) > 1 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I):
                reading.answers["channel.platform"] = Answer("channel.platform", platform.id, name)
                return reading
    return reading


def judge(path: str, value: Any, expect: dict[str, Any], unknown: set[str],
          accept: dict[str, Any]) -> bool | None:
    """True right, False wrong, None not scored."""
    if not expect:
        return False
    good = []
    if path in expect:
        good.append(expect[path])
    extra = accept.get(path, [])
    good += extra if isinstance(extra, list) else [extra]
    if isinstance(value, list):
        allowed = set()
        for g in good:
            allowed |= set(g) if isinstance(g, list) else {g}
        if path in expect or path in accept:
            return set(value) <= allowed
        return False if path in unknown else None
    if path in expect or path in accept:
        return value in good
    return False if path in unknown else None


def score(read: Any, items: list[dict[str, Any]], show: bool = False) -> dict[str, Any]:
    right = wrong = expected = recalled = 0
    per_field: dict[str, Counter[str]] = {}
    off_topic = off_topic_empty = 0
    errors: list[str] = []
    for item in items:
        expect = flatten(item.get("expect") or {})
        unknown = set(item.get("unknown") or [])
        accept = item.get("accept") or {}
        got = filled_fields(read(item["text"], item.get("asker", "staff")))
        if not expect:
            off_topic += 1
            off_topic_empty += not got
        for path, value in got.items():
            verdict = judge(path, value, expect, unknown, accept)
            if verdict is None:
                continue
            counts = per_field.setdefault(path, Counter())
            counts["right" if verdict else "wrong"] += 1
            right += verdict
            wrong += not verdict
            if not verdict and show:
                errors.append(f"  {path}={value!r} (expect {expect.get(path)!r}): {item['text']}")
        for path in expect:
            expected += 1
            counts = per_field.setdefault(path, Counter())
            counts["expected"] += 1
            if path in got and judge(path, got[path], expect, unknown, accept):
                recalled += 1
                counts["recalled"] += 1
    return {
        "precision": right / (right + wrong) if right + wrong else 0.0,
        "filled": right + wrong,
        "recall": recalled / expected if expected else 0.0,
        "expected": expected,
        "off_topic": (off_topic_empty, off_topic),
        "per_field": per_field,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    options = parser.parse_args()
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    ours = score(read_question, items, options.show_errors)
    base = score(baseline, items)
    print(f"{len(items)} blind questions ({QUESTIONS.name})\n")
    print(f"{'reader':<22}{'right of filled':>16}{'filled':>8}{'recall':>8}{'off-topic empty':>17}")
    for name, s in (("words.read_question", ours), ("platform names only", base)):
        empty, total = s["off_topic"]
        print(f"{name:<22}{s['precision']:>16.3f}{s['filled']:>8}{s['recall']:>8.3f}"
              f"{f'{empty}/{total}':>17}")
    print(f"\n{'field':<28}{'right':>7}{'wrong':>7}{'recall':>8}")
    for path, c in sorted(ours["per_field"].items(), key=lambda kv: -kv[1]["expected"]):
        recall = c["recalled"] / c["expected"] if c["expected"] else 0.0
        print(f"{path:<28}{c['right']:>7}{c['wrong']:>7}{recall:>8.2f}")
    if options.show_errors:
        print("\nwrong fills:")
        print("\n".join(ours["errors"]))


if __name__ == "__main__":
    main()
