"""Pieces below every app: apps import `core`, `core` imports no app (only Django)."""
