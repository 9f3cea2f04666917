"""Server-side SVG charts (pygal): no script, no CDN, the same image works in a PDF.

pygal's default config loads a tooltip script from a CDN; ``js=[]`` turns that off (stack notes). It
still writes an inline config script, which an image never runs; we strip it so the SVG holds no script.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pygal
from pygal.style import Style

from incidentdesk.assessment import vocabulary

STYLE = Style(background="white", plot_background="white", font_family="DejaVu Sans, sans-serif",
              colors=("#1d4ed8", "#c2410c", "#166534", "#a16207", "#7c3aed", "#b91c1c", "#0e7490", "#4b5563",
                      "#db2777", "#65a30d", "#9ca3af", "#78350f"))
CONFIG = {"js": [], "style": STYLE, "width": 720, "height": 320, "legend_at_bottom": True, "legend_font_size": 10,
          "disable_xml_declaration": True, "print_values": False}


SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _svg(chart) -> str:
    return SCRIPT.sub("", chart.render())


def per_month(data: dict[str, dict[str, int]]) -> str:
    """The stacked bars; the same figures give the same picture, so a picture drawn once is reused (drawing costs
    far more than reading the figures from the rollups)."""
    return _per_month(tuple((month, tuple(sorted(counts.items()))) for month, counts in data.items()))


@lru_cache(maxsize=64)
def _per_month(frozen: tuple) -> str:
    data = {month: dict(counts) for month, counts in frozen}
    chart = pygal.StackedBar(title="Incidents per month by category", x_label_rotation=30, **CONFIG)
    chart.x_labels = list(data)
    categories = sorted({c for counter in data.values() for c in counter})
    for category in categories:
        chart.add(vocabulary.choice_label("categories", category), [data[m].get(category, 0) for m in data])
    return _svg(chart)


def per_tool(rows: list[tuple[str, int]]) -> str:
    return _per_tool(tuple(rows))


@lru_cache(maxsize=64)
def _per_tool(rows: tuple) -> str:
    chart = pygal.HorizontalBar(title="Incidents per AI tool (12 months)", show_legend=False, **CONFIG)
    chart.x_labels = [name for name, _ in rows]
    chart.add("Incidents", [n for _, n in rows])
    return _svg(chart)
