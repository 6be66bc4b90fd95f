"""Reusable widgets and thin Qt item models shared by the windows and dialogs."""
