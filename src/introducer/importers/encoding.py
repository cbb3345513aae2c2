"""Recognising UTF-16 written without a byte-order mark, for every importer alike.

Old Apple and Windows tools write UTF-16 with no BOM. ASCII text (headers,
commas, `BEGIN:VCARD`) then shows as a NUL in every other byte; other scripts
put a NUL there only now and then (一 is U+4E00: `00 4E` in little-endian), so
the test is "mostly NULs on one side, few on the other", never "none at all".
"""

from __future__ import annotations

#: How much of the file is looked at: the header or first cards are plenty.
SAMPLE_BYTES = 4096
#: At least this share of one side's bytes must be NUL...
_NUL_SHARE = 0.3
#: ...and the other side at most a quarter as many (CJK and Cyrillic text has a few).
_OTHER_SIDE = 0.25


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" if `data` looks like BOM-less UTF-16, else None."""
    sample = data[:SAMPLE_BYTES]
    half = len(sample) // 2
    if half < 2:
        return None
    even = sample[0 : half * 2 : 2].count(0)
    odd = sample[1 : half * 2 : 2].count(0)
    if even > half * _NUL_SHARE and odd <= even * _OTHER_SIDE:
        return "utf-16-be"
    if odd > half * _NUL_SHARE and even <= odd * _OTHER_SIDE:
        return "utf-16-le"
    return None
