"""cascade layer."""
