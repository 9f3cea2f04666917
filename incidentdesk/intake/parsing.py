"""Read alert payloads: Prometheus Alertmanager's webhook (version 4) or a generic JSON alert.

Each alert becomes ``Signal(fingerprint, title, details, labels, values, at)``. A body that is not one
of these shapes is refused with a message that says what was expected; in an Alertmanager batch, one bad
alert is reported (``Parsed.rejected``) and the good ones are still read: a sender that retries a refused
batch forever must not lose every alert for one malformed neighbour.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from incidentdesk import jsonbody
from incidentdesk.refusals import Refused


class PayloadRefused(Refused):
    """The payload is not an alert we can read; the message says why."""

    title = "Not an alert"


@dataclass
class Signal:
    fingerprint: str
    title: str
    details: str
    labels: dict[str, str]
    values: dict[str, float] = field(default_factory=dict)
    at: datetime | None = None


def _time(value: Any) -> datetime | None:
    if not value or not isinstance(value, str) or value.startswith("0001-"):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise PayloadRefused(f"startsAt/at: not an ISO 8601 time: {value[:40]!r}") from exc
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def _strings(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise PayloadRefused(f"{name}: expected an object of strings")
    return {k: str(v)[:500] for k, v in value.items()}


def _fingerprint(labels: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(labels, sort_keys=True).encode()).hexdigest()[:32]


def _numbers(labels: dict[str, str], values: Any) -> dict[str, float]:
    numbers: dict[str, float] = {}
    for key, value in {**labels, **(values if isinstance(values, dict) else {})}.items():
        try:
            numbers[key] = float(value)
        except (TypeError, ValueError):
            continue
    return numbers


@dataclass
class Parsed:
    signals: list[Signal]
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"alert": position in the batch, "problem": …}


def _alertmanager(alert: Any) -> Signal | None:
    """One alert of a batch; None for a resolved one (nothing to triage)."""
    if not isinstance(alert, dict):
        raise PayloadRefused("each alert must be an object")
    if alert.get("status") == "resolved":
        return None
    labels = _strings(alert.get("labels"), "labels")
    notes = _strings(alert.get("annotations"), "annotations")
    title = notes.get("summary") or labels.get("alertname") or "Alert"
    return Signal(fingerprint=str(alert.get("fingerprint") or _fingerprint(labels))[:128],
                  title=title[:200], details=notes.get("description", ""), labels=labels,
                  values=_numbers(labels, None), at=_time(alert.get("startsAt")))


def parse(body: bytes) -> Parsed:
    try:
        data = jsonbody.loads(body)
    except jsonbody.TooDeep as exc:
        raise PayloadRefused(str(exc)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayloadRefused("the body is not JSON") from exc
    if "\\u0000" in body.decode("utf-8", "replace"):
        raise PayloadRefused("text may not contain NUL characters")
    if isinstance(data, dict) and isinstance(data.get("alerts"), list):  # Alertmanager webhook
        parsed = Parsed(signals=[])
        for position, alert in enumerate(data["alerts"][:1000]):
            try:
                signal = _alertmanager(alert)
            except PayloadRefused as exc:
                parsed.rejected.append({"alert": position, "problem": str(exc)})
                continue
            if signal is not None:
                parsed.signals.append(signal)
        if parsed.rejected and not parsed.signals:
            raise PayloadRefused("no alert in the batch could be read: " + "; ".join(
                f"alert {r['alert']}: {r['problem']}" for r in parsed.rejected[:10]))
        return parsed
    if isinstance(data, dict) and isinstance(data.get("title"), str) and data["title"].strip():  # generic
        labels = _strings(data.get("labels"), "labels")
        fingerprint = data.get("fingerprint")
        if fingerprint is not None and not isinstance(fingerprint, str):
            raise PayloadRefused("fingerprint: expected a string")
        details = data.get("details", "")
        if not isinstance(details, str):
            raise PayloadRefused("details: expected a string")
        fingerprint = (fingerprint or _fingerprint(labels | {"title": data["title"]}))[:128]
        return Parsed(signals=[Signal(fingerprint=fingerprint, title=data["title"][:200], details=details[:10000],
                                      labels=labels, values=_numbers(labels, data.get("values")),
                                      at=_time(data.get("at")))])
    raise PayloadRefused('expected an Alertmanager webhook ({"alerts": [...]}) or a generic alert '
                         '({"title": "...", "details": "...", "labels": {...}, "fingerprint": "..."})')
