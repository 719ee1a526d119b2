"""Demo data for ``make run`` and the screenshots."""
