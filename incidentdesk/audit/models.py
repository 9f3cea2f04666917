"""The audit trail: an append-only, hash-chained log of every change to register data.

Each event carries the seal of the previous event (``prev_hash``) and its own seal (``hash``): an
HMAC-SHA256 under the audit key named by ``key_id`` (kept outside the database, ``keys.py``) over
every column and ``prev_hash``; events older than the key carry a plain SHA-256 and an empty
``key_id``. ``seq`` is allocated under a lock on ``AuditHead`` so it has no gaps. Database triggers
(migration 0002) refuse UPDATE and DELETE; ``incidentdesk audit verify`` recomputes the chain,
compares it with the checkpoints kept outside the database and names the first broken event. Events
survive the deletion of what they describe: the actor is kept by name as well as by key.
"""

from django.conf import settings
from django.db import models
from django.db.models.query import ModelIterable

from . import redaction

GENESIS = "0" * 64


class _RedactedIterable(ModelIterable):
    """Events as read by one person: references they may not see replaced by words in ``data`` (in memory only;
    ``redacted`` says so). The sealed row is untouched: saving an event again is refused anyway."""

    def __iter__(self):
        hidden = getattr(self.queryset, "_hidden", None)
        for event in super().__iter__():
            shown = redaction.redact(event.data, hidden)
            event.redacted = shown != event.data
            event.data = shown
            yield event


class AuditEventQuerySet(models.QuerySet):
    _hidden = None

    def _clone(self):
        clone = super()._clone()
        clone._hidden = self._hidden
        return clone

    def visible_to(self, user):
        """Events of incidents this person may not see are left out (the one access policy, ``incidents/policy.py``).

        An event left in that names such an incident elsewhere (a link's other incident, "merged into …") is
        read with that reference replaced by words (``redaction``, decision 195); the sealed row is untouched.
        So are the events of rows that existed before they joined such an incident and so carry no
        incident reference: a triage item (its report names what became the restricted incident).
        """
        from incidentdesk.incidents.policy import hidden_references, hidden_triage_item_ids

        if not getattr(user, "is_authenticated", False):
            return self.none()
        hidden = hidden_references(user)
        if not hidden:
            return self
        item_ids = hidden_triage_item_ids(user)
        qs = self.exclude(incident_ref__in=hidden)
        qs = qs.exclude(object_type="triageitem", object_id__in=item_ids) if item_ids else qs
        # An event under a visible incident may name a hidden one (a link, a merge): read it redacted.
        qs._hidden, qs._iterable_class = redaction.pattern(hidden), _RedactedIterable
        return qs


class _Numbered(models.Lookup):
    """``seq >= 1`` written ``+seq >= 1``: the same rows, but SQLite no longer reads the condition as a range of
    the table itself, so counting every event scans a small index (21 ms at 200,000 events, 76 ms before:
    the audit log's page count, decision 220)."""

    lookup_name = "numbered"

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"+{lhs} >= 1", params


class _ChainManager(models.Manager.from_queryset(AuditEventQuerySet)):
    """Only rows numbered as the chain numbers them (from 1): a row inserted by hand with a number of 0 or
    below is never shown as an event anywhere (``verify`` names it: ``verification._intruders``)."""

    def get_queryset(self):
        return super().get_queryset().filter(_Numbered(models.F("seq"), 1))


class SequenceField(models.BigIntegerField):
    """A 64-bit key that SQLite stores as the rowid (its type must read exactly ``integer``).

    As ``bigint`` SQLite would keep a separate index and ``verify`` would read the table in random order.
    """

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class AuditEvent(models.Model):
    seq = SequenceField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              db_constraint=False, related_name="+")
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    incident_ref = models.CharField(max_length=32, blank=True, db_index=True)
    data = models.TextField(help_text="Canonical JSON: summary, before and after")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16, blank=True, default="",
                              help_text="The audit key that sealed this event; empty: sealed before keys, SHA-256")

    objects = _ChainManager()

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditHead(models.Model):
    """One row: the last sequence number and hash. Locking it serialises appends to the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)
