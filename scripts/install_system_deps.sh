#!/usr/bin/env bash
# Install the Debian packages tractor uses outside Python: bubblewrap, the strongest isolation
# level of tractor.verify.sandbox (without it the sandbox falls back to `unshare -rn`, then to
# rlimits only). Idempotent and quiet; does nothing when not root or when apt-get is missing.
set -euo pipefail

packages=(bubblewrap)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ] || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true  # package lists may be missing on a fresh machine
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
