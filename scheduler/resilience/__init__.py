"""Resilience (韧性) of a roster under sudden losses of people, and the standby list (备勤)."""
