"""Run the service locally for a person to try: SQLite, in-process jobs, demo data, the WeChat stand-in.

`python -m app.demo` (what `make run` does) builds the schema through the migrations, loads the demo
county and staff accounts, starts the local WeChat stand-in on its own port and serves the API with the
resident H5 demo pages at http://127.0.0.1:5000/h5/. Nothing here is used in production.
"""

from __future__ import annotations

import argparse
import logging
import os

from flask_migrate import upgrade

from app import create_app
from app.cli import DEMO_PASSWORD_ENV, seed_demo_data
from app.extensions import db
from app.wechat.standin import DEFAULT_APPID, DEFAULT_SECRET, create_standin_app, serve_in_thread

log = logging.getLogger("app.demo")


def main(argv: list[str] | None = None) -> None:
    """Start the stand-in and the API, ready for the resident flow."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("DOUDI_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("DOUDI_PORT", 5000)))
    parser.add_argument("--wechat-port", type=int, default=int(os.environ.get("DOUDI_WECHAT_PORT", 5001)))
    args = parser.parse_args(argv)

    standin = serve_in_thread(create_standin_app(), host="127.0.0.1", port=args.wechat_port)
    public_url = f"http://{args.host}:{args.port}"
    app = create_app(
        {
            "WECHAT_APPID": DEFAULT_APPID,
            "WECHAT_SECRET": DEFAULT_SECRET,
            "WECHAT_API_BASE": standin.api_base,
            "WECHAT_OPEN_BASE": standin.open_base,
            "RESIDENT_H5_URL": f"{public_url}/h5/",
            "DEMO_PAGES": True,
        }
    )
    password = os.environ.get(DEMO_PASSWORD_ENV, "demo-pass-2024")
    with app.app_context():
        upgrade(revision="heads")
        created = seed_demo_data(password)
        db.session.commit()
    print(
        f"\n  Doudi demo\n"
        f"  resident pages (WeChat sign-in through the local stand-in): {public_url}/h5/\n"
        f"  API docs: {public_url}/api/docs\n"
        f"  WeChat stand-in: {standin.base_url} (control surface under /_control/)\n"
        f"  staff accounts: county, clerk, reviewer, assistant, assistant2, admin"
        f" — password {password!r}{' (created now)' if created else ''}\n",
        flush=True,
    )
    try:
        app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    finally:
        standin.shutdown()


if __name__ == "__main__":
    main()
