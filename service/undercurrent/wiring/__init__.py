"""What the entry points build from the settings, built in one place.

:mod:`.values` holds the pure values every process derives (label bounds, the redactor), so a close
process can import it without any client; :mod:`.connections` opens the clients (Redis and what is
kept there, the judge API, the evaluation exporter).
"""
