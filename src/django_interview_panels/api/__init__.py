"""What every endpoint shares: base view, envelope, renderer, permissions, fields, schema."""
