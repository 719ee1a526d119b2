"""Components: acquired parts of a certification and their validity."""
