"""CSV as text, LF line ends, with the one quoting rule every CSV introducer writes needs.

Python's csv writer quotes a cell with a line feed but not one with a lone carriage
return when lines end in LF, and every CSV reader then splits the row there. Rows
with a carriage return anywhere are written fully quoted instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """`rows` (header first, if any) as CSV text."""
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        carriage_return = any(isinstance(cell, str) and "\r" in cell for cell in row)
        (quoted if carriage_return else plain).writerow(row)
    return buffer.getvalue()
