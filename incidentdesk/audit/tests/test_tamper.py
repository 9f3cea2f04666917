"""Attacks on the audit chain by someone holding the database, each named at its first bad event.

Every attack lifts the append-only triggers and writes rows with plain SQL (``attacker.py``), on SQLite
and on PostgreSQL alike. What the chain alone cannot show (the end cut off, a rewrite by someone who
holds the key) is caught by a checkpoint kept outside the database; the tests show both sides.
"""

import json

import pytest

from incidentdesk.audit import checkpoints
from incidentdesk.audit.keys import keyring, parse
from incidentdesk.audit.services import head_checkpoint, record, verify

from . import attacker

EVIDENCE = '{"after":{"n":99},"before":null,"summary":"forged"}'


def _events(count, by=None, start=1):
    for n in range(start, start + count):
        record(action="test.event", object_type="thing", object_id=n, by=by, after={"n": n})


@pytest.fixture
def chain(db, manager):
    """Ten events, made by a person (so they carry an actor id)."""
    _events(10, by=manager)


def _broken(result):
    return (result.ok, result.first_broken)


def test_an_untouched_chain_verifies_with_its_checkpoint(chain):
    head_checkpoint()
    result = verify()
    assert (result.ok, result.events, result.checkpoints, result.latest.seq) == (True, 10, 1, 10)


def test_changed_data_is_named(chain):
    attacker.sql("UPDATE audit_auditevent SET data = %s WHERE seq = 4", [EVIDENCE])
    result = verify()
    assert _broken(result) == (False, 4)
    assert result.problem == "event #4 was altered: its content no longer matches its seal"


def test_a_changed_actor_id_is_named(chain, people):
    """actor_id was outside the old hash: pointing an event at another person verified as intact."""
    attacker.sql("UPDATE audit_auditevent SET actor_id = %s WHERE seq = 3", [people["viewer"].pk])
    assert _broken(verify()) == (False, 3)


def test_a_removed_actor_id_is_named(chain):
    attacker.sql("UPDATE audit_auditevent SET actor_id = NULL WHERE seq = 6")
    assert _broken(verify()) == (False, 6)


def test_an_event_deleted_in_the_middle_is_named(chain):
    attacker.sql("DELETE FROM audit_auditevent WHERE seq = 5")
    result = verify()
    assert (result.first_broken, result.problem) == (5, "event #5 is missing")


@pytest.mark.parametrize("clear_key", [False, True], ids=["keeping-the-key-id", "posing-as-old-events"])
def test_a_chain_resealed_with_plain_sha256_from_n_is_named_at_n(chain, clear_key):
    """The old attack: change event #6, recompute every hash after it and move the head. Without the key,
    the seals cannot be remade; posing as events older than the key is refused past the boundary."""
    attacker.rewrite_from(6, change=EVIDENCE, clear_key=clear_key)
    result = verify()
    assert _broken(result) == (False, 6)
    assert ("carries no key seal" if clear_key else "was altered") in result.problem


def test_a_cut_off_tail_is_invisible_without_a_checkpoint(chain):
    """The limit of any chain: deleting the last events and moving the head back leaves a shorter valid chain."""
    attacker.truncate_after(7)
    result = verify()
    assert (result.ok, result.events) == (True, 7)


def test_a_cut_off_tail_is_named_by_a_checkpoint(chain):
    head_checkpoint()
    attacker.truncate_after(7)
    result = verify()
    assert _broken(result) == (False, 8)
    assert "records event #10, but the log now ends at #7: events #8 to #10 were removed" in result.problem


def test_an_auditors_checkpoint_names_a_cut_off_tail_even_when_the_folder_is_emptied(chain, tmp_path):
    auditors_copy = tmp_path / "handed-to-the-auditor.jsonl"
    auditors_copy.write_text(head_checkpoint().line() + "\n")
    _events(3, start=11)
    attacker.truncate_after(9)
    (checkpoints.folder() / checkpoints.FILE_NAME).unlink()  # whoever cut the log also wiped the folder
    assert verify().ok
    result = verify(checkpoint_files=[auditors_copy])
    assert _broken(result) == (False, 10)
    assert f"the file {auditors_copy}, line 1" in result.problem


def test_a_rewrite_with_the_key_is_invisible_without_a_checkpoint(chain):
    attacker.rewrite_from(6, change=EVIDENCE, ring=keyring())
    assert verify().ok


def test_a_rewrite_with_the_key_is_named_by_the_checkpoints_around_it(db, manager):
    """Checkpoints after events #5 and #10; someone holding the key rewrites from #6 and reseals everything."""
    _events(5, by=manager)
    head_checkpoint()
    _events(5, by=manager, start=6)
    head_checkpoint()
    attacker.rewrite_from(6, change=EVIDENCE, ring=keyring())
    result = verify()
    assert _broken(result) == (False, 6)
    assert result.problem.startswith("event #10 is not the one the checkpoint in ")
    assert "rewritten after that (if every seal holds, by someone holding the audit key)" in result.problem
    assert result.problem.endswith("a checkpoint of event #5 still matches, so the change lies between #6 and #10")


def test_a_rewrite_with_the_key_before_the_only_checkpoint_is_bounded_from_the_start(chain):
    head_checkpoint()
    attacker.rewrite_from(6, change=EVIDENCE, ring=keyring())
    result = verify()
    assert _broken(result) == (False, 1)
    assert result.problem.endswith("no earlier checkpoint matches, so the change lies between #1 and #10")


def test_a_rewrite_with_the_key_is_named_by_a_fingerprint_from_a_report(chain):
    fingerprint = head_checkpoint().hash[:16]
    (checkpoints.folder() / checkpoints.FILE_NAME).unlink()
    attacker.rewrite_from(6, change=EVIDENCE, ring=keyring())
    result = verify(expected=[(10, fingerprint)])
    assert _broken(result) == (False, 1)
    assert "the fingerprint you gave for event #10" in result.problem


def _checkpoint_file():
    return checkpoints.folder() / checkpoints.FILE_NAME


def _edit_checkpoint(**changes):
    path = _checkpoint_file()
    data = json.loads(path.read_text()) | changes
    path.write_text(json.dumps(data) + "\n")


@pytest.mark.parametrize("field", ["hash", "seq"])
def test_an_edited_checkpoint_is_named_and_not_trusted(chain, field):
    """Someone without the key edits the checkpoint to match a rewritten log: its signature no longer holds."""
    head_checkpoint()
    attacker.truncate_after(7)
    _edit_checkpoint(**({"seq": 7} if field == "seq" else {"hash": attacker.previous_seal(8)}))
    result = verify()
    assert (result.ok, result.first_broken, result.checkpoints) == (False, None, 0)
    assert result.problem == (f"The checkpoint in {_checkpoint_file()}, line 1, cannot be trusted: its signature "
                              "does not match what it says: it was edited or forged after it was made.")


def test_a_checkpoint_signed_with_an_unknown_key_is_named(chain):
    stranger = parse("ab" * 32, "a key from elsewhere")
    checkpoints.append(checkpoints.sign(10, attacker.previous_seal(11), ring=stranger))
    result = verify()
    assert (result.ok, result.first_broken) == (False, None)
    assert result.problem == (f"The checkpoint in {_checkpoint_file()}, line 1, cannot be trusted: it is signed with "
                              f"a key this installation does not have (key {stranger.current}): it was not made here, "
                              "or the key that made it was removed from the key ring.")


def test_a_line_that_is_not_a_checkpoint_is_named(chain):
    head_checkpoint()
    with _checkpoint_file().open("a") as handle:
        handle.write('{"seq": 3}\n')
    result = verify()
    assert not result.ok
    assert f"{_checkpoint_file()}, line 2, cannot be trusted: it is not a checkpoint" in result.problem


def test_an_event_sealed_with_an_unknown_key_is_named(chain):
    attacker.sql("UPDATE audit_auditevent SET key_id = 'deadbeef' WHERE seq = 7")
    result = verify()
    assert _broken(result) == (False, 7)
    assert "sealed with a key this installation does not have (key deadbeef)" in result.problem


def test_a_break_in_the_chain_is_named_before_a_later_checkpoint_mismatch(chain):
    """A definite break wins over the stretch a later checkpoint can only bound."""
    head_checkpoint()
    attacker.rewrite_from(6, change=EVIDENCE)
    result = verify()
    assert _broken(result) == (False, 6)
    assert any("event #10 is not the one" in note for note in result.notes)
