"""Small text helpers shared by the stages: HTML fragments to plain text, white space."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml.etree import ParserError

_BLOCK_END = re.compile(r"(?i)<\s*(?:br\s*/?|/p|/div|/h[1-6]|/li|/blockquote|/tr)\s*>")
_SPACES = re.compile(r"[ \t\u00a0\u200b]+")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary, content:encoded), paragraphs kept.

    Block ends become blank lines so that paragraphs survive; inline markup disappears.
    """
    if "<" not in fragment:
        return tidy(html.unescape(fragment))
    marked = _BLOCK_END.sub("\n\n", fragment)
    try:
        text = lxml.html.fromstring(f"<div>{marked}</div>").text_content()
    except (ParserError, ValueError):
        text = re.sub(r"<[^>]+>", " ", marked)
    return tidy(html.unescape(text))


def tidy(text: str) -> str:
    """Collapse spaces inside lines and keep one blank line between paragraphs."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
