"""Staff accounts: district admins, street and community coordinators, with their scope."""
