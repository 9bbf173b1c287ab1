"""Turning outbox rows into messages (content) and handing them to a channel (channels)."""
