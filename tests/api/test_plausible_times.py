"""An API time with no UTC instant (year 1 with an offset east of UTC) is a 422, not a 500.

Found by the schema fuzz in CI: ``"sent_at": "0001-01-01T00:01:00+05:19"`` crashed `datetime.astimezone`.
"""

import pytest
from pydantic import TypeAdapter, ValidationError

from incidentdesk.api_base import When


@pytest.mark.parametrize("text", ["0001-01-01T00:01:00+05:19", "0001-01-01T00:00:00+14:00", "1999-12-31T23:00:00Z"])
def test_an_implausible_time_is_refused_in_words(text):
    with pytest.raises(ValidationError, match="before the year 2000"):
        TypeAdapter(When).validate_python(text)


def test_a_plausible_time_is_kept_as_utc():
    value = TypeAdapter(When).validate_python("2026-12-02T10:00:00+01:00")
    assert value.isoformat() == "2026-12-02T09:00:00+00:00"
