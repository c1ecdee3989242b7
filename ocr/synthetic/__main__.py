"""Write synthetic ID card photos and their truth: `python -m ocr.synthetic OUTDIR [--count N]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocr.synthetic import make_card, make_set


def main(argv: list[str] | None = None) -> int:
    """Generate a normal set, a hard set and a few rotated and corrupted cards into OUTDIR."""
    parser = argparse.ArgumentParser(prog="python -m ocr.synthetic", description=__doc__)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=30, help="photos per difficulty (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    args = parser.parse_args(argv)

    cards = [
        *make_set(args.count, difficulty="normal", first_seed=args.seed),
        *make_set(args.count, difficulty="hard", first_seed=args.seed + 1000),
        make_card(args.seed + 2000, quarter_turns=1),
        make_card(args.seed + 2001, quarter_turns=2),
        make_card(args.seed + 2002, quarter_turns=3),
        make_card(args.seed + 2003, exif_rotated=True),
        make_card(args.seed + 2004, corrupt_id_number=True),
    ]
    args.outdir.mkdir(parents=True, exist_ok=True)
    with (args.outdir / "truth.jsonl").open("w", encoding="utf-8") as truth:
        for card in cards:
            (args.outdir / f"{card.name}.jpg").write_bytes(card.image_bytes)
            record = {"file": f"{card.name}.jpg", "side": card.side, "fields": card.expected_fields,
                      "printed_id_number": card.printed_id_number, "tags": list(card.scenario.tags)}  # fmt: skip
            truth.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(cards)} photos and truth.jsonl to {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
