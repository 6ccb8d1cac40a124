"""Command line: argument parsing only; every verb calls one function of a stage module."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from corpus.config import DEFAULT_DB, Settings, load_settings


class UsageError(Exception):
    """The user asked for something that cannot be done; printed as one line."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"the DuckDB database (default {DEFAULT_DB})")
    parser.add_argument("--config", type=Path, default=None,
                        help="a TOML settings file (default ./corpus.toml when present)")


def _settings(args: argparse.Namespace, **overrides) -> Settings:
    return load_settings(args.config, db=args.db, **overrides)


# ----------------------------------------------------------------- the verbs

def cmd_run(args: argparse.Namespace) -> int:
    from corpus.pipeline import run_pipeline

    settings = _settings(args, allow_private_network=args.allow_private_network or None,
                         dask_address=args.dask, report_dir=args.report_dir,
                         make_report=False if args.no_report else None)
    summary = run_pipeline(args.sources or ["data/raw"], settings)
    print(summary.format() if hasattr(summary, "format") else summary)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from corpus.search import print_search

    return print_search(" ".join(args.text), _settings(args), k=args.k,
                        since=args.since, until=args.until, entity=args.entity,
                        theme=args.theme, fmt=args.format)


def cmd_query(args: argparse.Namespace) -> int:
    from corpus.query import print_query

    return print_query(" ".join(args.sql), _settings(args), fmt=args.format)


def cmd_export(args: argparse.Namespace) -> int:
    from corpus.report.export import export_map

    path = export_map(_settings(args), args.format, args.out, rollup=args.rollup)
    print(f"wrote {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from corpus.report import write_report

    path = write_report(_settings(args), args.out)
    print(f"wrote {path}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from corpus.evaluate import print_evaluation

    return print_evaluation(_settings(args), args.gold, fmt=args.format)


def cmd_check(args: argparse.Namespace) -> int:
    from corpus.check import print_check

    return print_check(_settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from corpus.schedule import serve

    return serve(_settings(args), args.schedule_file, once=args.once)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corpus",
        description="A queryable map of international police cooperation.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("run", help="the whole pipeline as one Prefect flow run")
    p.add_argument("sources", nargs="*", metavar="SOURCE",
                   help="files, folders, URLs, feeds or JSON Lines/CSV record files "
                        "(default data/raw)")
    p.add_argument("--allow-private-network", action="store_true",
                   help="allow fetching from loopback and private addresses")
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="run the heavy stages on this Dask scheduler")
    p.add_argument("--report-dir", type=Path, default=None,
                   help="where the HTML report goes (default data/processed/report)")
    p.add_argument("--no-report", action="store_true", help="skip the report step")
    _common(p)
    p.set_defaults(func=cmd_run)

    p = verbs.add_parser("search", help="semantic search over passages")
    p.add_argument("text", nargs="+")
    p.add_argument("-k", type=int, default=10, help="how many passages (default 10)")
    p.add_argument("--since", help="only documents published on or after YYYY-MM-DD")
    p.add_argument("--until", help="only documents published on or before YYYY-MM-DD")
    p.add_argument("--entity", help="only documents that mention this entity (name or id)")
    p.add_argument("--theme", help="only documents of this theme (id or label)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _common(p)
    p.set_defaults(func=cmd_search)

    p = verbs.add_parser("query", help="read-only SQL against the database")
    p.add_argument("sql", nargs="+")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _common(p)
    p.set_defaults(func=cmd_query)

    p = verbs.add_parser("export", help="the cooperation map as a graph file")
    p.add_argument("--format", choices=["graphml", "gexf", "json", "csv"], required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--rollup", action="store_true", help="roll units up to their parents")
    _common(p)
    p.set_defaults(func=cmd_export)

    p = verbs.add_parser("report", help="a self-contained HTML report")
    p.add_argument("--out", type=Path, default=Path("data/processed/report"))
    _common(p)
    p.set_defaults(func=cmd_report)

    p = verbs.add_parser("eval", help="score the database against a gold file")
    p.add_argument("--gold", type=Path, required=True)
    p.add_argument("--format", choices=["table", "json"], default="table")
    _common(p)
    p.set_defaults(func=cmd_eval)

    p = verbs.add_parser("check", help="verify the database's invariants")
    _common(p)
    p.set_defaults(func=cmd_check)

    p = verbs.add_parser("serve", help="serve the pipeline as a scheduled Prefect deployment")
    p.add_argument("schedule_file", type=Path, nargs="?", default=Path("schedule.toml"),
                   help="TOML file with the cron schedule and the sources")
    p.add_argument("--once", action="store_true", help="run the deployment's flow once and exit")
    _common(p)
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args) or 0
    except KeyboardInterrupt:
        print("corpus: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the run as a whole failed: one line, non-zero
        if "CORPUS_DEBUG" in __import__("os").environ:
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        print(f"corpus {args.verb}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
