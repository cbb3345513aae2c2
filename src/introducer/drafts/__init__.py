"""Introduction emails: from a scored pair to messages the user sends after a glance.

context (who, and how well you know them) -> compose (reasons as sentences) ->
templates (Jinja2 text) -> message (RFC 5322) -> deliver (files, mbox, mailto) / imap.
"""
