"""The personal offer page: one tap to confirm or decline a shift, no login."""
