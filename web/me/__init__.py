"""Personal pages reached by a person's own link: my shifts, my availability, my hours."""
