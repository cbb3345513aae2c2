"""`gaps`: the voids in a network and the relationships worth tending (see `report`)."""

#: A suggestion scoring this much or more is a good one (`gaps --min-score`): an answer
#: to an ask or a live event, or two solid common threads.
GOOD_SCORE = 5.0
