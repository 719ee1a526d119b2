"""JSON API v1 for certifiers' systems: bearer tokens, same permissions as the web."""
