"""Benchmarks: run as `python -m bench.<name> --size N` against PostgreSQL (DATABASE_URL)."""
