"""Persistence: ORM models, the engine, migrations and query helpers. No Qt here."""
