"""Ballot-box hash chain: exact encoding and tamper localisation."""

import hashlib

import pytest

from voting.crypto.chain import build_chain, entry_hash, genesis_hash, verify_chain
from voting.crypto.errors import DecodeError

MANIFEST = hashlib.sha256(b"contest manifest").hexdigest()
GENESIS = genesis_hash(MANIFEST)
BALLOTS = [hashlib.sha256(f"ballot {i}".encode()).hexdigest() for i in range(10)]
ENTRIES = build_chain(GENESIS, BALLOTS)


def test_byte_encoding_is_as_documented():
    assert (
        hashlib.sha256(b"parvis/v1/chain-genesis" + bytes.fromhex(MANIFEST)).hexdigest() == GENESIS
    )
    assert (
        ENTRIES[0] == hashlib.sha256(bytes.fromhex(GENESIS) + bytes.fromhex(BALLOTS[0])).hexdigest()
    )
    assert ENTRIES[5] == entry_hash(ENTRIES[4], BALLOTS[5])
    assert genesis_hash(hashlib.sha256(b"other").hexdigest()) != GENESIS


def test_intact_chain_verifies():
    assert verify_chain(GENESIS, BALLOTS, ENTRIES) is None
    assert verify_chain(GENESIS, BALLOTS, ENTRIES, head=ENTRIES[-1]) is None
    assert verify_chain(GENESIS, [], [], head=GENESIS) is None


def test_changed_ballot_or_entry():
    ballots = list(BALLOTS)
    ballots[4] = hashlib.sha256(b"forged").hexdigest()
    assert verify_chain(GENESIS, ballots, ENTRIES) == 4
    entries = list(ENTRIES)
    entries[6] = hashlib.sha256(b"forged").hexdigest()
    assert verify_chain(GENESIS, BALLOTS, entries) == 6
    # rewriting the whole suffix consistently is caught by the published head
    rebuilt = ENTRIES[:4] + build_chain(ENTRIES[3], ballots[4:])
    assert verify_chain(GENESIS, ballots, rebuilt) is None
    assert verify_chain(GENESIS, ballots, rebuilt, head=ENTRIES[-1]) == 10


def test_removed_entry():
    assert verify_chain(GENESIS, BALLOTS[:3] + BALLOTS[4:], ENTRIES[:3] + ENTRIES[4:]) == 3


def test_inserted_entry():
    intruder = hashlib.sha256(b"stuffed").hexdigest()
    fake_entry = entry_hash(ENTRIES[1], intruder)
    assert (
        verify_chain(
            GENESIS,
            [*BALLOTS[:2], intruder, *BALLOTS[2:]],
            [*ENTRIES[:2], fake_entry, *ENTRIES[2:]],
        )
        == 3
    )
    assert (
        verify_chain(
            GENESIS,
            [*BALLOTS[:2], intruder, *BALLOTS[2:]],
            [*ENTRIES[:2], ENTRIES[2], *ENTRIES[2:]],
        )
        == 2
    )


def test_reordered_entries():
    ballots, entries = list(BALLOTS), list(ENTRIES)
    ballots[2], ballots[7] = ballots[7], ballots[2]
    entries[2], entries[7] = entries[7], entries[2]
    assert verify_chain(GENESIS, ballots, entries) == 2
    assert verify_chain(GENESIS, ballots, ENTRIES) == 2


def test_truncation_and_length_mismatch():
    assert verify_chain(GENESIS, BALLOTS[:7], ENTRIES[:7]) is None  # undetectable without a head
    assert verify_chain(GENESIS, BALLOTS[:7], ENTRIES[:7], head=ENTRIES[-1]) == 7
    assert verify_chain(GENESIS, BALLOTS, ENTRIES[:9]) == 9
    assert verify_chain(GENESIS, BALLOTS[:8], ENTRIES) == 8
    assert verify_chain(GENESIS, [], [], head=ENTRIES[0]) == 0


def test_wrong_genesis_and_malformed_hashes():
    assert verify_chain(genesis_hash(BALLOTS[0]), BALLOTS, ENTRIES) == 0
    entries = list(ENTRIES)
    entries[3] = entries[3].upper()
    assert verify_chain(GENESIS, BALLOTS, entries) == 3
    ballots = list(BALLOTS)
    ballots[5] = "not hex"
    assert verify_chain(GENESIS, ballots, ENTRIES) == 5
    ballots[5] = BALLOTS[5][:32]
    assert verify_chain(GENESIS, ballots, ENTRIES) == 5
    for bad in ("", "ab", MANIFEST.upper(), MANIFEST + "00"):
        with pytest.raises(DecodeError):
            genesis_hash(bad)
    with pytest.raises(DecodeError):
        verify_chain("zz", BALLOTS, ENTRIES)
