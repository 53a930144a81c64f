"""PostgREST v12-compatible API at /rest/v1."""
