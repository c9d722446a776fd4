"""django-interview-panels: a reusable Django app serving the Interview Panel API."""

__version__ = "0.1.0"
