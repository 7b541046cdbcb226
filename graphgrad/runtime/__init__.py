"""Plan compilation, the Session, and the array backend."""
