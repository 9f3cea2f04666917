"""The incident report's cost split in three: our data gathering, our HTML, and WeasyPrint's layout alone.

    INCIDENTDESK_AUDIT_KEY_FILE=/work/bench-data/audit.key \
      python bench/report_pdf.py --db /work/bench-data/integ/register.sqlite3 --reference INC-2026-177565

Only reads (no audit event is written: the export's event is one insert, measured by ``bench/pages.py``).
The third figure renders the very HTML string our code produced with nothing of ours around it: it is the
report PDF's floor (decision 268), which no change in our code can go under.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import data  # noqa: E402


def _timed(repeat: int, work) -> tuple[list[float], object]:
    times_ms, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times_ms.append((time.perf_counter() - started) * 1000)
    return times_ms, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite file (or the PostgreSQL database name with --pg-port)")
    parser.add_argument("--pg-port", type=int)
    parser.add_argument("--reference", default="INC-2026-177565")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    engine = "postgres" if args.pg_port else "sqlite"
    data.configure(engine=engine, db=args.db, pg_port=args.pg_port,
                   data_dir=Path(args.db).parent if engine == "sqlite" else Path("/tmp"))
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from incidentdesk.documents import render, report
    from incidentdesk.documents.markdown import to_html
    from incidentdesk.incidents.models import Incident
    from incidentdesk.organisation.models import Organisation

    load_before = os.getloadavg()
    with time_machine.travel(data.NOW, tick=True):
        incident = Incident.objects.get(year=int(args.reference[4:8]), number=int(args.reference[9:]))
        reader = get_user_model().objects.get(username="bench-admin")
        with CaptureQueriesContext(connection) as captured:
            report.sections(Incident.objects.get(pk=incident.pk), reader)
        gather, sections = _timed(args.repeat, lambda: report.sections(Incident.objects.get(pk=incident.pk), reader))

        def html() -> str:
            return render_to_string("documents/print.html", {
                "title": report.title(incident), "organisation": Organisation.current().name,
                "generated": f"{timezone.localtime():%Y-%m-%d %H:%M %Z}",
                "sections": [(heading, to_html(text)) for heading, text in sections]})

        markup, page = _timed(args.repeat, html)
        layout, pdf = _timed(args.repeat, lambda: HTML(string=page, url_fetcher=render._no_fetch).write_pdf())
    load_after = os.getloadavg()
    print(f"report of {args.reference} on {engine} ({connection.vendor}), {args.repeat} runs, load "
          f"{' / '.join(f'{x:.1f}' for x in load_before)} before, {' / '.join(f'{x:.1f}' for x in load_after)} after")
    print(f"HTML {len(page):,} characters, PDF {len(pdf):,} bytes")
    for name, figures in (("data (report.sections)", gather), ("Markdown -> HTML and template", markup),
                          ("WeasyPrint alone (the floor)", layout)):
        print(f"  {name}: p50 {statistics.median(figures):,.1f} ms, max {max(figures):,.1f} ms"
              + (f", {len(captured)} queries" if figures is gather else ""))


if __name__ == "__main__":
    main()
