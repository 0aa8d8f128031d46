"""surfaces layer."""
