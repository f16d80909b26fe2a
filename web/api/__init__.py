"""JSON API under /api/v1 for staff (bearer token), described by /api/v1/openapi.json."""
