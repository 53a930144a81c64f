"""postgres-meta-compatible database metadata API at /pg (see service.py)."""
