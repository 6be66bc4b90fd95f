"""Incident Desk: an offline workspace for security-incident analysts."""

__version__ = "0.1.0"
APP_NAME = "Incident Desk"
