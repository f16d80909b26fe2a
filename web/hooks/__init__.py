"""Twilio webhooks: inbound SMS replies and delivery status callbacks, signature-checked."""
