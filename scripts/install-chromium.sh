#!/bin/sh
# Headless Chromium for the report's browser test (pytest -m browser): loads the HTML report
# with hostile anchors and checks that nothing runs. Installs only when it is missing.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium: /usr/bin/chromium is missing; run as root: apt-get install -y chromium" >&2
    exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
