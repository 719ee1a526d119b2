"""The web shell: layout, home pages per role, language, errors, health."""
