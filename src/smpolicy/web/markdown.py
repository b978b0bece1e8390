"""The policy's clause texts are Markdown (a list item a line, **bold** for the policy's own
emphasis): one reader for pages (HTML) and PDFs (blocks of styled runs).

markdown-it-py, CommonMark, with raw HTML, links and images turned off: a pack is YAML a school
edits, so nothing in it may put markup, a script or a far address on a page. Whatever HTML it
holds is shown as the characters typed (escaped), never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Only what the policy uses: paragraphs, lists, emphasis, headings, quotes, code, breaks.
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
    ["link", "image", "autolink", "html_inline", "html_block", "reference"]
)


@lru_cache(maxsize=2048)
def _html(text: str) -> str:
    return _PARSER.render(text)


def clause_html(text: str) -> SafeString:
    """A clause's text as HTML for a page. Safe to mark so: markdown-it escapes every character
    of the source that is not Markdown syntax, and raw HTML is off."""
    return mark_safe(_html(str(text or "")))


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    """A paragraph, a heading or a list item, with ``depth`` the list nesting (0 outside lists)
    and ``marker`` the bullet or number it is printed with."""

    kind: str  # "paragraph", "heading" or "item"
    runs: list[Run] = field(default_factory=list)
    depth: int = 0
    marker: str = ""


def clause_blocks(text: str) -> list[Block]:
    """A clause's text as blocks of runs, for a document drawn by hand (the PDF)."""
    blocks: list[Block] = []
    lists: list[list[int | None]] = []  # per open list: [next number] or [None] for bullets
    pending_marker = ""
    kind = "paragraph"
    for token in _PARSER.parse(str(text or "")):
        if token.type == "bullet_list_open":
            lists.append([None])
        elif token.type == "ordered_list_open":
            lists.append([int(str(token.attrs.get("start", 1)))])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            number = lists[-1][0] if lists else None
            pending_marker = "•" if number is None else f"{number}."
            if number is not None:
                lists[-1][0] = number + 1
        elif token.type == "heading_open":
            kind = "heading"
        elif token.type == "inline":
            block = Block(kind if not pending_marker else "item", _runs(token.children or []),
                          depth=len(lists), marker=pending_marker)
            pending_marker, kind = "", "paragraph"
            blocks.append(block)
        elif token.type in ("code_block", "fence"):
            blocks.append(Block("paragraph", [Run(token.content.rstrip("\n"))], depth=len(lists)))
    return blocks


def _runs(children: list[Token]) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for child in children:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            if runs and (runs[-1].bold, runs[-1].italic) == (bold, italic):
                runs[-1].text += child.content
            else:
                runs.append(Run(child.content, bold, italic))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append(Run(" " if child.type == "softbreak" else "\n", bold, italic))
    return runs

