"""Who hears what about their shifts: offers, changes, reminders, answers and re-offers."""
