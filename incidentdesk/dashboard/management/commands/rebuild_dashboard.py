"""``python manage.py rebuild_dashboard``: recompute the dashboard's rollups from the incidents (repair).

The triggers keep the rollups equal to the incidents; this is for the day something outside them did not
(a restore of some tables only, a trigger dropped by hand) and for checking: ``--check`` compares the rollups
with a recomputation in Python and changes nothing (slow at scale: it reads every incident)."""

from django.core.management.base import BaseCommand, CommandError

from incidentdesk import times
from incidentdesk.dashboard import rollups


class Command(BaseCommand):
    help = "Recompute the dashboard's rollups from the incidents, in the organisation's time zone"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with a recomputation; change nothing")

    def handle(self, *args, check: bool = False, **options):
        zone = times.zone().key
        if check:
            if (rollups.stored_zone(), *rollups.stored()) != (zone, *rollups.fresh(zone)):
                raise CommandError("The dashboard's rollups differ from the incidents: run rebuild_dashboard")
            self.stdout.write("The dashboard's rollups equal the incidents.")
            return
        rollups.rebuild(zone)
        self.stdout.write(f"Rebuilt the dashboard's rollups ({zone}).")
