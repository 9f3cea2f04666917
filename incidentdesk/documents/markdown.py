"""User-written Markdown to safe HTML: markdown-it with raw HTML disabled, then an nh3 allowlist."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h1", "h2", "h3", "h4", "blockquote", "code", "pre", "table",
        "thead", "tbody", "tr", "th", "td", "hr", "a"}


def to_html(text: str) -> str:
    return nh3.clean(_md.render(text or ""), tags=TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def escape(text: str) -> str:
    """User text kept as text inside generated Markdown (report, breach register): markup escaped, breaks kept."""
    escaped = text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")
    return escaped.replace("`", "\\`").replace("\n", "  \n")
