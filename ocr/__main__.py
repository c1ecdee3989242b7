"""Operator CLI: `python -m ocr read-id PHOTO [PHOTO ...] [--engine paddleocr|rapidocr]`.

Prints one JSON object per photo and line: {"file", "side", "fields", "confidence",
"warnings", "engine", "seconds"}; `--details` adds each field's source, the rotation and timings.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocr.engines import ENGINE_NAMES, EngineUnavailable, default_engine_name, get_engine
from ocr.prepare import ImageRejected
from ocr.reader import read_id_card

CLI_KEYS = ("file", "side", "fields", "confidence", "warnings", "engine", "seconds")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; exit 0 when every photo was read, 1 when one was rejected, 2 on a broken set-up."""
    parser = argparse.ArgumentParser(
        prog="python -m ocr", description="Read Chinese resident ID card photos."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    read_id = commands.add_parser("read-id", help="read ID card photos and print one JSON line per photo")
    read_id.add_argument("photos", nargs="+", type=Path, metavar="PHOTO")
    read_id.add_argument("--engine", choices=ENGINE_NAMES, default=None,
                         help=f"OCR engine (default: $OCR_ENGINE or {default_engine_name()})")  # fmt: skip
    read_id.add_argument("--details", action="store_true", help="also print sources, rotation and timings")
    args = parser.parse_args(argv)

    try:
        engine = get_engine(args.engine)  # load once, before the first photo is timed
    except EngineUnavailable as error:
        print(f"OCR engine unavailable: {error}", file=sys.stderr)
        return 2
    exit_code = 0
    for photo in args.photos:
        try:
            result = read_id_card(photo.read_bytes(), engine=engine)
        except ImageRejected as error:
            result, exit_code = _rejected(engine.name, error.code, error.message_zh), 1
        except OSError:
            result, exit_code = _rejected(engine.name, "unreadable_file", "找不到这个文件，或没有权限读取"), 1
        except EngineUnavailable as error:
            print(f"OCR engine unavailable: {error}", file=sys.stderr)
            return 2
        result["file"] = str(photo)
        keys = [*CLI_KEYS, "source", "rotation", "timings"] if args.details else CLI_KEYS
        print(json.dumps({key: result[key] for key in keys if key in result}, ensure_ascii=False), flush=True)
    return exit_code


def _rejected(engine_name: str, code: str, message: str) -> dict[str, object]:
    """The line printed for a file that could not be read: no fields, one warning saying why."""
    return {"side": "unknown", "fields": {}, "confidence": {}, "engine": engine_name, "seconds": 0.0,
            "warnings": [{"field": None, "code": code, "message": message}]}  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
