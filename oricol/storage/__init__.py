"""Storage API v1-compatible service at /storage/v1."""
