"""The words the ``incidentdesk documents`` commands print (issue 14); the commands call governance services."""

from __future__ import annotations

from typing import Any

from incidentdesk.governance import diff, present, services


def listing() -> tuple[list[dict[str, Any]], str]:
    rows, lines = [], []
    for doc in services.register():
        current, open_ = services.in_force(doc), services.open_version(doc)
        proposed = services.proposed_changes(doc)
        rows.append({"kind": doc.kind, "title": str(doc), "in_force": current.number if current else None,
                     "open_version": open_.number if open_ else None, "next_review_on": doc.next_review_on,
                     "published": bool(doc.published_at), "proposed_changes": proposed})
        lines.append(f"{doc.kind:<20} {doc}: " + (f"version {current.number} in force" if current else "none in force")
                     + (f"; version {open_.number} {open_.get_status_display().lower()}" if open_ else "")
                     + ("; published" if doc.published_at else "")
                     + (f"; new draft proposed ({len(proposed)} source(s) changed)" if proposed else ""))
    return rows, "\n".join(lines)


def show(kind: str, number: int | None) -> tuple[dict[str, Any], str]:
    doc = services.document(kind)
    version = services.version_of(kind, number) if number else (services.in_force(doc) or services.open_version(doc))
    if version is None:
        raise services.NotFound(f"The {doc} has no version yet: generate one (incidentdesk documents generate {kind}).")
    control = present.control_rows(version)
    data = {"kind": kind, "number": version.number, "status": version.status,
            "control": dict(control), "body": version.body}
    text = "\n".join(f"{label}: {value}" for label, value in control) + "\n\n" + version.body
    return data, text


def difference(kind: str, number: int) -> tuple[dict[str, Any], str]:
    version = services.version_of(kind, number)
    base = services.latest_frozen(version.document)
    if base is None or base.pk == version.pk:
        return {"against": None, "summary": "No change", "sections": []}, "Nothing to compare it with."
    changes = diff.compare(base.body, version.body)
    lines = [f"Version {version.number} against version {base.number}: {diff.summary(changes)}"]
    for change in changes:
        lines.append(f"\n{change.words}: {change.heading}")
        lines += [f"  - {line}" for line in change.removed] + [f"  + {line}" for line in change.added]
    data = {"against": base.number, "summary": diff.summary(changes),
            "sections": [{"heading": c.heading, "change": c.kind, "added": c.added, "removed": c.removed}
                         for c in changes]}
    return data, "\n".join(lines)
