"""The compose stack's default alert receiver: one JSON line per alert of every Alertmanager notification.

It runs with the Python of the Undercurrent image and needs only the standard library:
    python alert_log.py [PORT]        # default 9095; `docker compose logs -f alert-log` shows the alerts
Point deploy/alertmanager/alertmanager.yml at your paging and chat integrations for real notifications.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Notifications of different routes arrive at once, each on its own thread: every line is
# written whole, under one lock, so two alerts never run together on one line.
_WRITE = threading.Lock()


class AlertLogHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        try:
            notification = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            alerts = notification["alerts"]
        except (ValueError, KeyError, TypeError):
            self.send_error(400, "expected an Alertmanager webhook notification")
            return
        lines = "".join(
            json.dumps({
                "receiver": self.path.strip("/") or notification.get("receiver"),
                "status": alert.get("status"),
                "labels": alert.get("labels", {}),
                "annotations": alert.get("annotations", {}),
                "startsAt": alert.get("startsAt"),
            }, sort_keys=True) + "\n"
            for alert in alerts
        )
        with _WRITE:
            sys.stdout.write(lines)
            sys.stdout.flush()
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class names it
        """Only alerts are printed, not the request log."""


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9095
    ThreadingHTTPServer(("0.0.0.0", port), AlertLogHandler).serve_forever()


if __name__ == "__main__":
    main()
