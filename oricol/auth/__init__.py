"""GoTrue v2-compatible auth service at /auth/v1."""
