#!/usr/bin/env bash
# Lints docs/openapi.json with Redocly CLI (pinned; rules in redocly.yaml). Installs it into artifacts/ once.
set -euo pipefail
cd "$(dirname "$0")/.."

REDOCLY_VERSION=2.77.0
PREFIX=artifacts/redocly-$REDOCLY_VERSION
if ! command -v node >/dev/null 2>&1; then
  echo "Installing Node.js from Debian..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
if [ ! -x "$PREFIX/node_modules/.bin/redocly" ]; then
  npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "@redocly/cli@$REDOCLY_VERSION" >&2
fi
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$PREFIX/node_modules/.bin/redocly" lint --config redocly.yaml docs/openapi.json
