#!/usr/bin/env bash
# Headless Chromium from Debian for the HTML report tests (playwright-core drives it).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
