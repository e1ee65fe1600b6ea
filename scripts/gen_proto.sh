#!/usr/bin/env bash
# Regenerate the Python gRPC stubs of proto/atelier/v1/*.proto into the atelier.v1 package.
# The stubs are committed; tests/test_proto_stubs.py checks they match the .proto.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.}
PY=${PYTHON:-.venv/bin/python}
"$PY" -m grpc_tools.protoc -I proto --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" \
  proto/atelier/v1/engine.proto
