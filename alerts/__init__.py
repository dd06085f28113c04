"""Alerts: rule evaluation, channels, outbox delivery, daily digest (coming with the alerts issues)."""
