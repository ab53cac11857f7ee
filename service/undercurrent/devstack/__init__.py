"""devstack stage."""
