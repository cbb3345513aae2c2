"""Turning the exports people already have (vCard, Google, LinkedIn, Outlook) into book YAML."""
