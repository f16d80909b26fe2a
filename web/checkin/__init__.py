"""Check-in sheet (签到) for grid leaders and coordinators: today's shifts in their scope."""
