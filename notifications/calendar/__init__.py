"""Calendar: iCalendar invitations (iTIP) and per-person subscription feeds."""
