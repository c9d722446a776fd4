"""A host project that wires up django-interview-panels end to end."""
