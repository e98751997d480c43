"""通知投递 (delivery): e-mail over SMTP and the units' chat-robot webhooks, from the outbox.

This package delivers; it does not decide. `workflow.reminders.sweep` decides who is reminded
of what and queues it in the outbox; `notifications.outbox.deliver` sends what is due, retrying
with back-off and recording every failure on the outbox row.
"""
