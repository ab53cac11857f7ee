"""ingest: the stages the ingest worker runs, the batch pipeline and the close stages."""
