"""Inbucket's default mailbox naming: the local part, lowercased, without its +tag."""
from __future__ import annotations

import pytest

from oricol.mail.naming import BadAddress, mailbox_for


@pytest.mark.parametrize("address, mailbox", [
    ("jane@example.org", "jane"),
    ("Jane.Doe@Example.ORG", "jane.doe"),
    ("jane+signup@example.org", "jane"),
    ("jane+a+b@example.org", "jane"),
    ("<jane@example.org>", "jane"),
    ("@relay.example:jane@example.org", "jane"),
    ('"jane"@example.org', "jane"),
    ("o'brien@example.org", "o'brien"),
    ("plain-name", "plain-name"),
])
def test_mailbox_names(address, mailbox):
    assert mailbox_for(address) == mailbox


@pytest.mark.parametrize("address", [
    "", "has space@example.org", "a/b@example.org", ".dot@example.org", "dot.@example.org",
    "two..dots@example.org", "+tagonly@example.org", "\u00e9t\u00e9@example.org", "x" * 129 + "@example.org",
])
def test_bad_addresses(address):
    with pytest.raises(BadAddress):
        mailbox_for(address)
