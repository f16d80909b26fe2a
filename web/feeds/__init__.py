"""Personal calendar subscription feeds."""
