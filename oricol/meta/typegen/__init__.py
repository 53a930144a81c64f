"""The type generators behind /pg/generators/*: the catalogue read they share (metadata.py), one module
per target language, and their endpoints (endpoints.py)."""
