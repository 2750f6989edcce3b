#!/usr/bin/env bash
# The end-to-end test of WhatsApp calls (docs/calls.md): real Janus with the nosip plugin, headless Chromium as the
# caller (a recorded question as its microphone), the real app, with Meta's Graph API, the model and speech faked.
# It runs in a network namespace with only loopback plus a veth that carries 127.0.0.1, because libnice and WebRTC
# skip loopback interfaces (see CALLS-JANUS notes in docs/calls.md). Needs root (or user namespaces) and `janus`.
#   bash scripts/calls-e2e.sh [extra dotnet test arguments]
# Prints "calls e2e: skipped (<reason>)" and exits 0 where the machine cannot run it.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inside" ]; then
  command -v janus >/dev/null 2>&1 || { echo "calls e2e: skipped (janus is not installed: apt-get install janus)"; exit 0; }
  [ -x "${CLEANAGENT_CHROMIUM:-/usr/bin/chromium}" ] || { echo "calls e2e: skipped (no chromium)"; exit 0; }
  unshare -n true 2>/dev/null || { echo "calls e2e: skipped (cannot create a network namespace here: needs root or user namespaces)"; exit 0; }
  exec unshare -n bash "$0" --inside "$@"
fi
shift

ip link set lo up
ip link add v0 type veth peer name v1 || { echo "calls e2e: skipped (no veth support in this kernel)"; exit 0; }
ip addr add 127.0.0.1/32 dev v0
ip link set v1 up
ip link set v0 up

conf=$(mktemp -d)
plugins=/usr/lib/x86_64-linux-gnu/janus/plugins
transports=/usr/lib/x86_64-linux-gnu/janus/transports
disabled_plugins=$(ls "$plugins" | grep '\.so$' | grep -v '^libjanus_nosip\.so$' | paste -sd, -)
disabled_transports=$(ls "$transports" | grep '\.so$' | grep -v '^libjanus_http\.so$' | paste -sd, -)
cat > "$conf/janus.jcfg" <<JCFG
general: { configs_folder = "$conf"  plugins_folder = "$plugins"  transports_folder = "$transports"  session_timeout = 60 }
media: { ipv6 = false  rtp_port_range = "20000-20999" }
nat: { ice_enforce_list = "v0"  ignore_mdns = true }
plugins: { disable = "$disabled_plugins" }
transports: { disable = "$disabled_transports" }
loggers: { disable = "libjanus_jsonlog.so" }
JCFG
cp deploy/janus/janus.transport.http.jcfg deploy/janus/janus.plugin.nosip.jcfg "$conf/"

janus -C "$conf/janus.jcfg" -F "$conf" -o -N -L "$conf/janus.log" &
janus_pid=$!
cleanup() { kill "$janus_pid" 2>/dev/null; wait "$janus_pid" 2>/dev/null; rm -rf "$conf"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
  python3 - <<'PY' && break
import json, sys, urllib.request
try:
    body = json.loads(urllib.request.urlopen("http://127.0.0.1:8088/janus/info", timeout=1).read())
    sys.exit(0 if body.get("janus") == "server_info" else 1)
except Exception:
    sys.exit(1)
PY
  sleep 0.2
done

CLEANAGENT_CALLS_E2E_JANUS=http://127.0.0.1:8088/janus \
  dotnet test tests/WebApi.BrowserTests -c Release --no-build --filter "FullyQualifiedName~CallEndToEnd" "$@"
status=$?
[ $status -eq 0 ] || { echo "--- janus log (last 40 lines)"; tail -n 40 "$conf/janus.log"; }
exit $status
