"""Use cases: one database session per user action, plain dataclasses in and out. No Qt."""
