"""VirtuKG HTTP API: a thin FastAPI layer over :mod:`kg`."""
