"""The `magbot` command: run, demo, parse, db upgrade.

Each subcommand imports what it needs lazily, so `magbot parse` starts fast
and does not need a token or a database.
"""

from __future__ import annotations

import argparse
import sys


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="magbot", description="A magnesium and migraine diary bot.")
    sub = p.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="run the bot (long polling, or webhook when configured)")
    demo = sub.add_parser("demo", help="try the bot in this terminal: no token, no network")
    demo.add_argument("--db", help="SQLite file for the demo's data (default: magbot-demo.db)")
    demo.add_argument(
        "--fill", metavar="DAYS", help="start with a generated example diary, e.g. --fill 90d"
    )
    demo.add_argument("--now", help=argparse.SUPPRESS)  # start the demo's clock here (tests)

    parse = sub.add_parser("parse", help="show what the bot understands in a check-in message")
    parse.add_argument("--now", help="ISO 8601 time the message was sent (default: now)")
    parse.add_argument("--tz", default="UTC", help="IANA time zone of the writer (default: UTC)")
    parse.add_argument("--batch", action="store_true", help='read JSON lines {"text","now","tz"}')
    parse.add_argument("text", nargs="*", help="the message")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "parse":
        from bot.parse_cli import run_parse

        return run_parse(args)
    if args.command == "run":
        from bot.runner import run_bot

        return run_bot()
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo(args.db, fill=args.fill, now=args.now)
    if args.command == "db":
        from bot.runner import upgrade_database

        return upgrade_database()
    return 2


if __name__ == "__main__":
    sys.exit(main())
