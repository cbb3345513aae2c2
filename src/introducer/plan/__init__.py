"""`introducer plan`: the week's introductions, chosen together rather than one at a time."""
