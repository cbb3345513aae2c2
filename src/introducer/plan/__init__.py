"""`introducer plan`: the week's introductions, chosen together rather than one at a time."""

#: Seconds the exact solver may take before the greedy plan is used instead (kept here,
#: light, so `--help` can show it without importing scipy).
TIME_LIMIT = 10.0
