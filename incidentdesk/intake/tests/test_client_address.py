"""The client address behind trusted proxies: one function (``incidentdesk.clientaddress``) for the reporting
channel's limit and the sign-in lock-out. X-Forwarded-For is believed only from a trusted proxy, and only
as far as trusted proxies vouch for it."""

import pytest
from django.test import RequestFactory

from incidentdesk.clientaddress import client_address
from incidentdesk.intake.models import TriageItem


def address(settings, remote, forwarded=None, trusted=()):
    settings.TRUSTED_PROXIES = list(trusted)
    meta = {"REMOTE_ADDR": remote} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    return client_address(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(("remote", "forwarded", "trusted", "expected"), [
    # nobody trusted (the default): the header is anyone's to write, so it is ignored
    ("10.0.0.5", "203.0.113.7", (), "10.0.0.5"),
    # a request that does not come from a trusted proxy: its header is ignored too
    ("198.51.100.9", "203.0.113.7", ("10.0.0.5/32",), "198.51.100.9"),
    # from the trusted proxy: the entry it appended
    ("10.0.0.5", "203.0.113.7", ("10.0.0.5",), "203.0.113.7"),
    # a client that forges entries: only the rightmost untrusted one counts, never what it wrote first
    ("10.0.0.5", "1.2.3.4, 203.0.113.7", ("10.0.0.5",), "203.0.113.7"),
    # two proxies, given as a network: walk past both
    ("10.0.0.5", "203.0.113.7, 10.0.0.9", ("10.0.0.0/24",), "203.0.113.7"),
    # IPv6 client and proxy, and an IPv4-mapped proxy address
    ("2001:db8::1", "2001:db8:1::42", ("2001:db8::/64",), "2001:db8:1::42"),
    ("::ffff:10.0.0.5", "203.0.113.7", ("10.0.0.5",), "203.0.113.7"),
    # every hop trusted (a request from inside): the first of them
    ("10.0.0.5", "10.0.0.7", ("10.0.0.0/24",), "10.0.0.7"),
    # a damaged header: the closest trusted proxy, never a value the client chose
    ("10.0.0.5", "203.0.113.7, not-an-address", ("10.0.0.5",), "10.0.0.5"),
    # no header from a trusted proxy
    ("10.0.0.5", None, ("10.0.0.5",), "10.0.0.5"),
    ("10.0.0.5", "", ("10.0.0.5",), "10.0.0.5"),
])
def test_the_client_address(settings, remote, forwarded, trusted, expected):
    assert address(settings, remote, forwarded, trusted) == expected


@pytest.mark.parametrize("remote", ["", "unix:/run/gunicorn.sock", "unknown"])
def test_a_request_without_an_address_has_none(settings, remote):
    """django-axes stores the address in an IP column (PostgreSQL's inet), which refuses anything else."""
    assert address(settings, remote, "203.0.113.7", ("10.0.0.5",)) is None


def test_a_mistyped_trusted_proxy_stops_start_up_with_its_name():
    from incidentdesk.settings import _trusted_proxies

    assert _trusted_proxies(" 10.0.0.5, 10.0.0.0/24 ,,2001:db8::/64") == ["10.0.0.5/32", "10.0.0.0/24",
                                                                          "2001:db8::/64"]
    assert _trusted_proxies("") == []
    with pytest.raises(ValueError, match="'10.0.0.300' is not an address or a network"):
        _trusted_proxies("10.0.0.5,10.0.0.300")


def test_the_reporting_limit_is_per_client_behind_the_proxy(client, db, settings):
    """Behind the proxy every client had the proxy's address: the limit of five was one for everybody."""
    settings.TRUSTED_PROXIES = ["10.0.0.5/32"]
    settings.REPORTS_PER_HOUR = 2

    def report(client_ip, forged=""):
        forwarded = f"{forged}, {client_ip}" if forged else client_ip
        return client.post("/report/", {"title": "Concern", "details": "x"}, REMOTE_ADDR="10.0.0.5",
                           HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [report("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert report("203.0.113.7", forged="192.0.2.1") == 429  # a forged first entry does not reset the count
    assert [report("203.0.113.8") for _ in range(2)] == [200, 200]  # another client behind the same proxy
    assert TriageItem.objects.count() == 4


def test_an_untrusted_sender_cannot_escape_the_limit_with_a_forwarded_header(client, db, settings):
    settings.REPORTS_PER_HOUR = 2
    statuses = [client.post("/report/", {"title": "Concern", "details": "x"}, REMOTE_ADDR="198.51.100.9",
                            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_five_bad_passwords_lock_the_username_for_that_client_not_for_everyone_behind_the_proxy(
        client, people, settings):
    from conftest import PASSWORD

    settings.TRUSTED_PROXIES = ["10.0.0.5/32"]

    def sign_in(client_ip, password):
        return client.post("/login/", {"username": "p-manager", "password": password}, REMOTE_ADDR="10.0.0.5",
                           HTTP_X_FORWARDED_FOR=client_ip)

    for _ in range(5):
        sign_in("203.0.113.66", "wrong")
    assert sign_in("203.0.113.66", PASSWORD).status_code == 429  # locked, even with the right password
    client.logout()
    colleague = sign_in("203.0.113.7", PASSWORD)  # the real manager, at another desk behind the same proxy
    assert colleague.status_code == 302
    assert colleague["Location"] == "/"


def test_the_failed_sign_ins_are_stored_with_the_client_address(client, people, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXIES = ["10.0.0.5/32"]
    client.post("/login/", {"username": "p-manager", "password": "wrong"}, REMOTE_ADDR="10.0.0.5",
                HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]
