"""Managing a panel's candidates after create (docs/candidates.md)."""
