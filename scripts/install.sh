#!/usr/bin/env bash
# Installs tractor on a fresh machine: Debian packages (bubblewrap for the sandbox; with `test`,
# chromium and chromium-driver for the report's browser test), the CPU build of PyTorch, and the
# package itself (editable, so the repository's data/ folder is found). Idempotent.
#   scripts/install.sh        everything needed to run tractor
#   scripts/install.sh test   the same plus the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
debs=(bubblewrap)
[ "${1:-}" = test ] && debs+=(chromium chromium-driver)
missing=()
for pkg in "${debs[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "install.sh: not root or no apt-get; missing Debian packages: ${missing[*]}" >&2
  fi
fi
python -m pip install -q torch==2.13.0
if [ "${1:-}" = test ]; then
  python -m pip install -q -e ".[test]"
else
  python -m pip install -q -e .
fi
