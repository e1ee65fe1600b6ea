#!/bin/sh
# Build build/Atelier-<version>.lrplugin.zip (see scripts/build_plugin.py).
# Set PYTHON to choose the interpreter; extra arguments are passed on (--out DIR, --no-check).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-python3}" "$here/../scripts/build_plugin.py" "$@"
