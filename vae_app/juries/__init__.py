"""Juries: the member pool, sessions, composition and planning."""
