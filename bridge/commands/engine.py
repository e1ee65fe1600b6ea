"""``atelier engine serve|info``: run an engine for several commands or machines, or ask one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from google.protobuf.json_format import MessageToDict

__all__ = ["register", "run_info"]


def register(sub: Any) -> None:
    """Add ``engine`` (``serve``, ``info``) to the CLI's subparsers."""
    from engine.__main__ import add_serve_arguments, run_serve

    parser = sub.add_parser("engine", help="run or inspect the gRPC engine",
                            description="The engine does the analysis; the bridge commands "
                            "start a private one unless given --engine HOST:PORT.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="serve until Ctrl-C (SIGINT/SIGTERM)")
    add_serve_arguments(serve)
    serve.set_defaults(func=run_serve)
    info = actions.add_parser("info", help="versions, backends and limits of an engine")
    from bridge.connect import add_engine_arguments

    add_engine_arguments(info)
    info.set_defaults(func=run_info)


def run_info(args: argparse.Namespace) -> int:
    """Print ``GetInfo`` as JSON."""
    from bridge.connect import connect
    from bridge.engine_process import EngineStartError

    try:
        with connect(args, quiet=True) as engine:
            info = engine.client.info()
    except EngineStartError as exc:
        print(f"atelier engine info: {exc}", file=sys.stderr)
        return 1
    json.dump(MessageToDict(info, preserving_proto_field_name=True), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0
