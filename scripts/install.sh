#!/usr/bin/env bash
# Installs tractor on a fresh machine: Debian packages (bubblewrap, the sandbox's strongest
# isolation level; with `test`, chromium and chromium-driver for the report's browser test), the
# CPU build of PyTorch, and the package itself (editable, so the repository's data/ folder is
# found). Idempotent; the Debian step is skipped with a note when not root or without apt-get.
#   scripts/install.sh        everything needed to run tractor
#   scripts/install.sh test   the same plus the test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."
debs=(bubblewrap)
[ "${1:-}" = test ] && debs+=(chromium chromium-driver)
missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "install.sh: not root or no apt-get; install these Debian packages: ${missing[*]}" >&2
  fi
fi
python -m pip install -q torch==2.13.0
if [ "${1:-}" = test ]; then
  python -m pip install -q -e ".[test]"
else
  python -m pip install -q -e .
fi
