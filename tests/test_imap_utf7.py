"""Modified UTF-7 mailbox names: the RFC 3501 examples, round trips, one spelling per name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from introducer.drafts.imap_utf7 import decode_mailbox, encode_mailbox

# Every character but lone surrogates, with "&", "-", ASCII and astral planes made common.
NAMES = st.text(st.one_of(st.sampled_from("&-+,/~. aZ"), st.characters(codec="utf-8"),
                          st.characters(min_codepoint=0x10000)))
# Strings shaped like wire forms, most of them invalid.
WIRE_LIKE = st.text(st.sampled_from("&-AZaz09+,/=. ü"), max_size=24)


@pytest.mark.parametrize(("name", "wire"), [
    ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),  # RFC 3501 §5.1.3
    ("Entwürfe", "Entw&APw-rfe"),
    ("R&D", "R&-D"),
    ("&", "&-"),
    ("Brouillons & Entwürfe 📝", "Brouillons &- Entw&APw-rfe &2D3c3Q-"),
    ("ä&ö", "&AOQ-&-&APY-"),
    ("tab\there", "tab&AAk-here"),
    ("", ""),
    ("INBOX.Drafts", "INBOX.Drafts"),
])
def test_known_names(name: str, wire: str) -> None:
    assert encode_mailbox(name) == wire
    assert decode_mailbox(wire) == name


@given(NAMES)
def test_every_name_round_trips_through_printable_ascii(name: str) -> None:
    wire = encode_mailbox(name)
    assert all(" " <= char <= "~" for char in wire)
    assert decode_mailbox(wire) == name


@given(WIRE_LIKE)
def test_what_decodes_is_the_one_spelling_of_its_name(wire: str) -> None:
    try:
        name = decode_mailbox(wire)
    except ValueError:
        return
    assert encode_mailbox(name) == wire


@pytest.mark.parametrize("wire", [
    "&U,BTFw-&ZeVnLIqe-",  # RFC 3501: "&U,BTF2XlZyyKng-" is the only spelling
    "&AGE-",               # "a" must stand for itself
    "&ACY-",               # "&" is "&-"
    "&Jjo!",               # no closing "-"
    "Entw&APw",            # ends inside base64
    "&AP9-",               # stray bits after the last character
    "&APw=-",              # padding
    "&2D0-",               # a lone surrogate
    "Entwürfe",            # 8-bit on the wire
    "&U/BTFw-",            # "/" where modified base64 has ","
])
def test_other_spellings_are_refused(wire: str) -> None:
    with pytest.raises(ValueError, match="not modified UTF-7"):
        decode_mailbox(wire)


def test_a_lone_surrogate_has_no_wire_form() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        encode_mailbox("Entw\udcfcrfe")
