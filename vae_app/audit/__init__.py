"""Audit trail: who changed what, when, from which state to which, and why."""
