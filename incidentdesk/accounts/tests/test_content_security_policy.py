"""The CSP forbids inline script and style, so no page may contain any (it would silently not work)."""

import re

import pytest

PAGES = ["/", "/incidents/", "/incidents/record/", "/incidents/{ref}/", "/incidents/{ref}/edit/", "/inventory/",
         "/organisation/", "/audit/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(as_person, record, url):
    incident = record()
    response = as_person("administrator").get(url.format(ref=incident.reference))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline <script> block"
    assert not re.search(r"<style[\s>]", page), "inline <style> block"
    assert not re.search(r"\sstyle=\"", page), "style attribute"
    assert not re.search(r"\son[a-z]+=\"", page), "inline event handler"


def test_charts_are_svg_without_scripts(as_person, record):
    record()
    svg = as_person("viewer").get("/dashboard/charts/per-month.svg").content.decode()
    assert svg.lstrip().startswith("<svg")
    assert "<script" not in svg
