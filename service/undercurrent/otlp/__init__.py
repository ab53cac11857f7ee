"""OpenTelemetry GenAI spans in: OTLP trace batches from Kafka mapped to contract events."""
