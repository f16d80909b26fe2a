"""SMS: one sender per provider behind the SmsSender protocol, plus templates, segments and quiet hours."""
