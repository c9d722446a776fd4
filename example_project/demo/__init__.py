"""Demo app of the example project: holds the ``seed_demo`` command."""
