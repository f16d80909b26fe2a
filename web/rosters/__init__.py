"""Roster pages: dashboard of the week, generation with a live progress bar, week grid, lock, publish."""
