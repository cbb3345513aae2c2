"""`circle` and `meeting`: introductions for a group of people the user sees together.

A circle is a small group whose members each leave with one introduction and each
make one; a meeting is a room of people the user has just seen, whose two or three
best introductions are worth making while they are fresh.
"""

#: The most members a circle may have: a breakfast table, not a chamber of commerce
#: (the assignment grows with the square of the members).
MOST_MEMBERS = 50
