"""Serve the app configured from the environment on a loopback port, in its own process.

`python -m tests.id_photos.serve_api` prints the base URL, then serves until its stdin closes, so a
test can measure this one process (its peak RSS) while it handles requests.
"""

from __future__ import annotations

import sys

from app import create_app
from app.wechat.serving import serve_in_thread


def main() -> None:
    """Serve until stdin closes."""
    server = serve_in_thread(create_app())
    print(server.base_url, flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
