"""Ledgers (日报/周报/月报台账) and assessment of grids and grid workers, with exports."""
