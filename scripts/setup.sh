#!/usr/bin/env bash
# Installs what jiesu needs to build and test on Debian 12, only what is missing.
# Uses sudo when not root. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libyaml-cpp-dev libxlsxwriter-dev
  libcsv-dev zlib1g-dev libzip-dev libexpat1-dev
  libjemalloc-dev libicu-dev libopencc-dev opencc liblinear-dev libgeos-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl python3
  chromium fonts-noto-cjk
)
# The web build needs Node and npm; Debian's own (Node 18) are enough to start: the build then
# fetches a newer Node from the npm registry. A Node that is already installed is kept.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
