"""Settings of the multi-process check (scripts/multiprocess_check.py): production's, with one difference.

Static files keep their hashed names (the manifest the pages' {% static %} needs with DEBUG off) but are not
compressed: WhiteNoise's gzip and Brotli of ~1,000 files took 42 s of CPU (106 s on a busy 2-core machine),
and what the check tests is processes sharing one database, not compression.
"""

from incidentdesk.settings import *  # noqa: F403
from incidentdesk.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
