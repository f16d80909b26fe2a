"""Sign-in for staff: login, logout, language, API token; and the scope helpers every view uses."""
