"""The bottom layer: what every app uses and that knows no app above it (the application error,
the message-with-values note, the timed per-process copy, shared choices such as the case kind)."""
