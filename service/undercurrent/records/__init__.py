"""The output contract: the closed-session record and the judge's records, their JSON Schemas."""
