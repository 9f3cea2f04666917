"""Read a JSON request body with a bound on its nesting, for the API's parser and the alert intake.

``json.loads`` recurses once per level: ``[`` repeated 100,000 times raised a RecursionError (found by an
attacker as a 500), and a body just shallow enough to load still broke the code that walks it afterwards
(the NUL check, validation, the audit's canonical form). No incident, fact or alert needs more than a few
levels, so anything deeper than ``MAX_DEPTH`` is refused before any of that runs.
"""

from __future__ import annotations

import json
from typing import Any

#: Deepest nesting of arrays and objects a body may have (facts and alerts need four or five).
MAX_DEPTH = 32


class TooDeep(ValueError):
    """A JSON body nested deeper than ``MAX_DEPTH``."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"the JSON body is nested too deeply (at most {limit} levels of arrays and objects)")


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and dicts (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(body: bytes | str, limit: int = MAX_DEPTH) -> Any:
    """``json.loads``, refusing (``TooDeep``) a body nested deeper than ``limit``; other errors as json's."""
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise TooDeep(limit) from exc
    text = body.encode() if isinstance(body, str) else body
    if text.count(b"[") + text.count(b"{") > limit and depth(data) > limit:  # the count skips most bodies
        raise TooDeep(limit)
    return data
