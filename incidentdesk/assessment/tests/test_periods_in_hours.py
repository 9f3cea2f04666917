"""Reg. 1182/71 Art 3(1) second subparagraph and 3(2)(a) for periods expressed in hours (issue 11, error 6).

"Where a period expressed in hours is to be calculated from the moment at which an event occurs or an action
takes place, the hour during which that event occurs or that action takes place shall not be considered as
falling within the period in question" (OJ L 124, 8.6.1971, checked 2026-12-01). The period then starts at the
beginning of the next hour and ends with the expiry of its last hour (Art 3(2)(a)).
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from incidentdesk.assessment.periods import WorkingCalendar, eu_hours

# Whole-hour, half-hour and 45-minute offsets, and a zone whose daylight-saving shift is 30 minutes.
ZONES = ["UTC", "Europe/Brussels", "Europe/Lisbon", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns",
         "Australia/Lord_Howe"]
starts = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(UTC))


def cal(zone: str) -> WorkingCalendar:
    return WorkingCalendar(None, ZoneInfo(zone))


def rest_of_the_starting_hour(start: datetime, zone: str) -> timedelta:
    local = start.astimezone(ZoneInfo(zone))
    began = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    return began + timedelta(hours=1) - start


@given(start=starts, hours=st.integers(min_value=1, max_value=24 * 400), zone=st.sampled_from(ZONES))
def test_the_legal_latest_is_never_earlier_than_the_exact_period(start, hours, zone):
    period = eu_hours(start, hours=hours, cal=cal(zone))
    assert period.target == start + timedelta(hours=hours)
    assert period.legal_latest > period.target


@given(start=starts, hours=st.integers(min_value=1, max_value=24 * 400), zone=st.sampled_from(ZONES))
def test_the_legal_latest_adds_the_rest_of_the_starting_hour(start, hours, zone):
    rest = rest_of_the_starting_hour(start, zone)
    assert timedelta(0) < rest <= timedelta(hours=1)
    assert eu_hours(start, hours=hours, cal=cal(zone)).legal_latest == start + timedelta(hours=hours) + rest


@given(start=starts, hours=st.integers(min_value=1, max_value=24 * 400))
def test_in_a_whole_hour_zone_the_legal_latest_is_on_the_hour(start, hours):
    legal = eu_hours(start, hours=hours, cal=cal("Europe/Brussels")).legal_latest
    assert (legal.minute, legal.second, legal.microsecond) == (0, 0, 0)


def test_an_event_on_the_hour_still_loses_its_hour():
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert eu_hours(start, hours=72, cal=cal("UTC")).legal_latest == datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_the_starting_hour_is_the_local_clock_hour():
    # Kolkata is UTC+05:30: an event at 04:40 UTC happens at 10:10 local, in the hour ending 11:00 local (05:30 UTC).
    start = datetime(2026, 11, 20, 4, 40, tzinfo=UTC)
    period = eu_hours(start, hours=24, cal=cal("Asia/Kolkata"))
    assert period.legal_latest == datetime(2026, 11, 21, 5, 30, tzinfo=UTC)
    assert "2026-11-20 10:00–11:00" in period.explanation


def test_hours_are_elapsed_hours_across_a_daylight_saving_change():
    # Brussels, 29 March 2026, 02:00 CET -> 03:00 CEST. Event at 01:30 CET: counted from 02:00 CET = 01:00 UTC.
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert eu_hours(start, hours=24, cal=cal("Europe/Brussels")).legal_latest == datetime(2026, 3, 30, 1, tzinfo=UTC)
