"""Ledger (台账) and resilience (韧性) pages for coordinators."""
