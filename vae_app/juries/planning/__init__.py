"""Automatic jury planning: the exchange format, a constructive plan, CP-SAT improvement, an independent checker."""
