"""privacy: redaction of free text and pseudonyms of user ids, for records, the judge, the web view and the CLI."""
