"""Interview panels: the five endpoints of the API contract."""
