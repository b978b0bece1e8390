"""`smpolicy check-post [FILE|-] [--roster CSV --school CONFIG]`: check posts, one result a line.

Input is one post object, a JSON array of posts, or JSON Lines, like `smpolicy decide`. A post that
cannot be checked gets its own `{"error": ..., "field": ..., "item": N}` line and the rest go on;
the exit code is then 2. Picture paths are relative to the input file's folder (to the current
folder for standard input), as the school file's logo is relative to the school file.

Without --roster and --school the school is read from the database, through the function
`DATABASE_HOOK` names; only that path imports Django. Where there is no database set up, the
command says to pass --roster and --school.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import orjson

from smpolicy.content.checker import PostError, check_post
from smpolicy.content.school import ContextError, SchoolContext
from smpolicy.jsonitems import BadItem, read_items

EXIT_BAD_INPUT = 2
EXIT_FAULT = 1
# module:function returning a SchoolContext for a school slug (None: the only or default school).
DATABASE_HOOK = "smpolicy.posting.database_context:school_context_for_slug"
NO_DATABASE = (
    "no school to check against: pass --roster CSV and --school CONFIG (see the post-check "
    "contract), or run where the database is set up"
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="smpolicy check-post",
        description="Check posts (text and pictures) against the school's social media policy "
        "before they are published. Reads one post object, a JSON array of them, or JSON Lines; "
        "prints one result a line.",
    )
    parser.add_argument("file", nargs="?", default="-", help="input file, or - for standard input")
    parser.add_argument("--roster", help="the school's roster CSV (first_name,last_name,role,...)")
    parser.add_argument("--school", help="the school's YAML (name, short_names, email_domains...)")
    parser.add_argument("--school-slug", help="with the database: which school (default: the one)")
    parser.add_argument("--no-ocr", action="store_true", help="do not read text in pictures")
    options = parser.parse_args(argv)

    try:
        school = load_school(options.roster, options.school, options.school_slug)
    except ContextError as exc:
        sys.stderr.write(f"smpolicy check-post: {exc}\n")
        return EXIT_BAD_INPUT

    if options.file == "-":
        stream: IO[bytes] = sys.stdin.buffer
        base_dir = Path.cwd()
    else:
        try:
            stream = open(options.file, "rb")  # noqa: SIM115
        except OSError as exc:
            sys.stderr.write(f"smpolicy check-post: cannot read {options.file}: {exc.strerror}\n")
            return EXIT_BAD_INPUT
        base_dir = Path(options.file).resolve().parent

    from smpolicy.policy import default_engine

    engine = default_engine()
    out = sys.stdout.buffer
    failed = internal = 0
    with stream:
        for number, item in read_items(stream):
            if isinstance(item, BadItem):
                line: dict[str, Any] = {"error": f"item {number}: {item.message}", "item": number}
                failed += 1
            else:
                try:
                    line = check_post(
                        item, school, engine, ocr=not options.no_ocr, base_dir=base_dir
                    )
                except PostError as exc:
                    line = {"error": f"item {number}: {exc}", "field": exc.field, "item": number}
                    failed += 1
                except Exception as exc:
                    # A fault in the checker, not in the post: this post gets its error line
                    # (no traceback, which could quote the post) and the rest are still checked.
                    line = {
                        "error": f"item {number}: could not be checked ({type(exc).__name__}); "
                        "this is a fault in smpolicy, please report it",
                        "item": number,
                    }
                    internal += 1
            out.write(orjson.dumps(line) + b"\n")
            out.flush()
    if internal:
        sys.stderr.write(f"smpolicy check-post: {internal} post(s) met a fault in the checker\n")
        return EXIT_FAULT
    if failed:
        sys.stderr.write(
            f"smpolicy check-post: {failed} post(s) could not be checked; see their lines\n"
        )
        return EXIT_BAD_INPUT
    return 0


def load_school(roster: str | None, school: str | None, slug: str | None) -> SchoolContext:
    if roster is not None and school is None:
        raise ContextError("--roster needs --school too: the school's name and domains")
    if school is not None:
        return SchoolContext.from_files(roster, school)
    return school_from_database(slug)


def school_from_database(slug: str | None) -> SchoolContext:
    """The school context from the database, through DATABASE_HOOK (the only Django path)."""
    module_name, _, function = DATABASE_HOOK.partition(":")
    try:
        module = importlib.import_module(module_name)
        hook: Callable[[str | None], SchoolContext] = getattr(module, function)
    except (ImportError, AttributeError) as exc:
        raise ContextError(NO_DATABASE) from exc
    try:
        context = hook(slug)
    except ContextError:
        raise
    except Exception as exc:
        raise ContextError(f"{NO_DATABASE} ({type(exc).__name__}: {exc})") from exc
    if not isinstance(context, SchoolContext):
        raise ContextError(f"{DATABASE_HOOK} returned {type(context).__name__}, not a school")
    return context


