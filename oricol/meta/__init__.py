"""postgres-meta-compatible database metadata API at /pg."""
