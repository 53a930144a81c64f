"""The web admin UI (the seed's Studio) at /studio."""
