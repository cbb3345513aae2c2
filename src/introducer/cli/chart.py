"""A horizontal bar chart of introductions per week, with the weekly goal marked.

Plain ASCII (`#`, `|`) for pipes, logs and NO_COLOR; block characters on a
terminal that can show them. Returns lines; the caller writes them.
"""

from __future__ import annotations

import math

from introducer.ledger.stats import WeeklySeries

#: The widest a bar gets, in terminal cells; longer series are scaled down to fit.
BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"
FANCY_CHARACTERS = "█│" + _EIGHTHS


def _bar_cells(length: float, field: int, *, fancy: bool) -> list[str]:
    """`length` cells of bar (fractions as eighths when fancy), padded to `field` cells."""
    if fancy:
        full = int(length)
        cells = ["█"] * full
        eighths = round((length - full) * 8)
        if eighths == 8:
            cells.append("█")
        elif eighths:
            cells.append(_EIGHTHS[eighths])
    else:
        whole = round(length)
        cells = ["#"] * (max(whole, 1) if length > 0 else 0)
    return cells[:field] + [" "] * (field - len(cells))


def week_bars(series: WeeklySeries, *, fancy: bool, width: int = BAR_WIDTH) -> list[str]:
    """One line per week: Monday, bar, count/goal; this week says so.

    The goal is a vertical mark after the goal's number of cells, so a week that
    met it crosses the mark. One cell per introduction unless that is wider than
    `width`.
    """
    if not series.weeks:
        return []
    top = max(series.goal, max(count for _, count in series.weeks), 1)
    scale = min(1.0, width / top)
    field = math.ceil(top * scale)
    mark_at = round(series.goal * scale) if series.goal > 0 else None
    mark = "│" if fancy else "|"
    digits = len(str(max(count for _, count in series.weeks)))
    lines = []
    for position, (monday, count) in enumerate(series.weeks):
        cells = _bar_cells(count * scale, field, fancy=fancy)
        if mark_at is not None:
            cells.insert(mark_at, mark)
        figure = f"{count:>{digits}}/{series.goal}" if series.goal > 0 else f"{count:>{digits}}"
        line = f"{monday.isoformat()}  {''.join(cells)}  {figure}"
        if position == len(series.weeks) - 1:
            line += "  (this week)"
        lines.append(line.rstrip())
    return lines
