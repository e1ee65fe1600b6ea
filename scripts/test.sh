#!/usr/bin/env bash
# Run the whole test suite (sets up first when needed).  Extra arguments go to pytest,
# e.g. `bash scripts/test.sh -m slow` for the slow model tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
