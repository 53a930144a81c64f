"""Phoenix-channels realtime service at /realtime/v1."""
