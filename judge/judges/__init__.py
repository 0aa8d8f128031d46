"""judges layer."""
