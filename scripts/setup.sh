#!/usr/bin/env bash
# Set up everything Atelier needs on a Debian machine: system tools (ExifTool,
# Lua 5.1 for the plugin tests, darktable-cli, headless Chromium) and a virtual
# environment in .venv with the CPU build of PyTorch.  Safe to run again: it only
# installs what is missing.
#
#   ATELIER_TORCH   pip requirement for torch (default "torch==2.13.0", the CPU build
#                   on this machine kind; GPU users set e.g. ATELIER_TORCH=torch).
#   ATELIER_APT=0   skip the Debian packages (e.g. without root).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libimage-exiftool-perl lua5.1 lua-busted lua-check lua-dkjson darktable chromium)
if [ "${ATELIER_APT:-1}" != 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
VPY=.venv/bin/python
stamp=.venv/.atelier-setup
want="$(sha256sum pyproject.toml | cut -c1-16)-${ATELIER_TORCH:-torch==2.13.0}"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  "$VPY" -m pip install -q --upgrade pip
  # Torch first and pinned, so that nothing below pulls the multi-GB CUDA wheels.
  "$VPY" -m pip install -q "${ATELIER_TORCH:-torch==2.13.0}"
  "$VPY" -m pip install -q -e ".[dev,ml,ray]"
  echo "$want" > "$stamp"
fi
echo "setup: ready ($("$VPY" -c 'import torch, sys; print("python", sys.version.split()[0], "torch", torch.__version__)'))"
