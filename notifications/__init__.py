"""Delivery of SMS, calendar invitations and e-mail; parsing of provider callbacks."""
