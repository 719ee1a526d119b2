"""Users, roles, login and logout."""
