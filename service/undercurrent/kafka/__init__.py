"""Kafka plumbing every worker shares: connection options, lag, the record sink, dead letters, retries."""
