"""Attendance: check-in and check-out per assignment, completed and no-show records."""
