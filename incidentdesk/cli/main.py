"""The ``incidentdesk`` console script: the ``incidentdesk`` management command, plus Django's own."""

import os
import sys

DJANGO_COMMANDS = {"runserver", "migrate", "createsuperuser", "changepassword", "check", "collectstatic", "shell",
                   "dbshell", "showmigrations", "db_worker", "axes_reset", "axes_reset_username"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incidentdesk.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in DJANGO_COMMANDS:
        execute_from_command_line(["incidentdesk", *args])
    else:
        execute_from_command_line(["incidentdesk", "incidentdesk", *args])
