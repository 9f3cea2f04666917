"""PDF (WeasyPrint, from the same HTML templates) and DOCX (python-docx) for drafts and reports.

WeasyPrint never fetches anything from the network here: the fetcher refuses every URL, so a
user-written link or image cannot make the server call out.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.shared import Pt
from markdown_it import MarkdownIt

_tokens = MarkdownIt("commonmark", {"html": False})


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"documents do not load external resources ({url})")


def pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _inline(paragraph, children) -> None:
    bold = italic = False
    for child in children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold, italic
        elif child.type in ("softbreak", "hardbreak"):
            paragraph.add_run("\n")


def add_markdown(document, text: str) -> None:
    """Headings, paragraphs and lists of a Markdown text as Word paragraphs."""
    tokens = _tokens.parse(text or "")
    list_style: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1])
            _inline(document.add_heading(level=min(level + 1, 4)), tokens[index + 1].children)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_style.append("List Bullet" if token.type == "bullet_list_open" else "List Number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_style.pop()
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            style = list_style[-1] if list_style else None
            _inline(document.add_paragraph(style=style), token.children)


#: Characters XML 1.0 cannot hold (Word's format is XML): control characters other than tab and line breaks.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def docx(title: str, sections: list[tuple[str, str]]) -> bytes:
    """A Word document: a title, then (heading, Markdown) sections. Text that XML cannot hold (control
    characters typed or pasted into a field) is shown as U+FFFD instead of failing the whole document."""
    title, sections = _xml_safe(title), [(_xml_safe(h), _xml_safe(t)) for h, t in sections]
    document = Document()
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(title, level=1)
    for heading, text in sections:
        if heading:
            document.add_heading(heading, level=2)
        add_markdown(document, text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
