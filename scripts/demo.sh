#!/usr/bin/env bash
# Set everything up, then auto-enhance copies of the bundled sample photos:
# develop settings are embedded as XMP into build/demo/photos/* (the originals in
# samples/ are never touched) and a summary is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf build/demo && mkdir -p build/demo/photos
cp samples/*.jpg samples/*.tif samples/*.png build/demo/photos/
status=0
.venv/bin/atelier enhance build/demo/photos --masks auto --force --report build/demo/report.html "$@" || status=$?
echo
echo "Develop settings now inside build/demo/photos/ (read them with: exiftool -XMP-crs:all FILE)."
[ -f build/demo/report.html ] && echo "Review report: build/demo/report.html"
exit $status
