"""REST API v1 for external systems and users' tools (see README, "API")."""
