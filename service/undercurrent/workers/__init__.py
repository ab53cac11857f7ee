"""workers: the long-running processes, each wiring the stage packages into one pipeline."""
