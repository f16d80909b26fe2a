"""The notifications outbox: messages written with the change that causes them, claimed and marked."""
