"""Coordinator pages: people, grids and shift templates, rosters."""
