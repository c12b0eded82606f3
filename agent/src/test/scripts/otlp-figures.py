#!/usr/bin/env python3
"""Issue 29's OTLP push costs: classes loaded with the push on vs off, the part's start-up and heap, and
CPU per export of the push thread. A trivial app (agentit.SleepyApp) with the real agent jar; a receiver
here that answers 200 and counts exports (bodies are not decoded: OtlpPushIT does that).

usage: otlp-figures.py <java> <agent.jar> <test-classes> [runs]
Variants alternate (off, on, off, on, ...); medians and min-max spread."""
import http.server, os, re, socketserver, statistics, subprocess, sys, tempfile, threading, time

java, jar, classes = sys.argv[1:4]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
exports = []

class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        self.rfile.read(n)
        exports.append((time.monotonic(), n))
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()
    def log_message(self, *a):
        pass

server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = 'http://127.0.0.1:%d/v1/metrics' % server.server_address[1]
TICK = os.sysconf('SC_CLK_TCK')

def thread_cpu(pid, prefix):
    total = 0
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            comm = open('/proc/%d/task/%s/comm' % (pid, tid)).read().strip()
            if comm.startswith(prefix):
                f = open('/proc/%d/task/%s/stat' % (pid, tid)).read().rsplit(')', 1)[1].split()
                total += int(f[11]) + int(f[12])
        except OSError:
            pass
    return total / TICK

def run(push):
    log = tempfile.mktemp(suffix='.log')
    args = 'port=0,host=127.0.0.1,instrument=false,log-level=debug'
    if push:
        args += ',otlp-interval=1s,otlp-endpoint=' + url
    p = subprocess.Popen([java, '-Xlog:class+load=info:file=' + log, '-javaagent:%s=%s' % (jar, args), '-cp', classes,
                          'agentit.SleepyApp', 'stdin'], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    err = []
    threading.Thread(target=lambda: err.extend(p.stderr), daemon=True).start()
    out = {}
    deadline = time.time() + 90
    # started: the ready line, then (push on) the part's debug line and 12 exports
    while time.time() < deadline and not any('metrics on' in l for l in err):
        time.sleep(0.05)
    if push:
        start = len(exports)
        while time.time() < deadline and len(exports) < start + 2:
            time.sleep(0.02)
        cpu0, n0 = thread_cpu(p.pid, 'vdso-agent-otl'), len(exports)
        while time.time() < deadline and len(exports) < n0 + 10:
            time.sleep(0.02)
        cpu1, n1 = thread_cpu(p.pid, 'vdso-agent-otl'), len(exports)
        out['cpu_ms_per_export'] = (cpu1 - cpu0) * 1000 / (n1 - n0)
        out['body_bytes'] = exports[-1][1]
        part = [l for l in err if 'OTLP part:' in l]
        m = re.search(r'(\d+) bytes of classes read, (\d+) not loaded, (\d+) ms', part[0])
        out['part_read_bytes'], out['part_held_bytes'], out['part_start_ms'] = map(int, m.groups())
        released = [l for l in err if 'released' in l and 'OTLP part:' in l]
        out['part_released_bytes'] = int(re.search(r'(\d+) bytes', released[0]).group(1))
    else:
        time.sleep(3)
    out['classes'] = sum(1 for l in open(log) if 'source:' in l)
    p.stdin.close()
    p.wait(60)
    os.unlink(log)
    return out

res = {False: [], True: []}
for i in range(runs):
    for push in (False, True):
        res[push].append(run(push))

def show(name, values):
    print('%-22s median %10.1f  spread %.1f-%.1f  (n=%d)' % (name, statistics.median(values), min(values), max(values), len(values)))

print('load average', open('/proc/loadavg').read().strip(), ' java', java)
show('classes, push off', [r['classes'] for r in res[False]])
show('classes, push on', [r['classes'] for r in res[True]])
show('delta classes', [b['classes'] - a['classes'] for a, b in zip(res[False], res[True])])
for k in ('part_start_ms', 'part_read_bytes', 'part_held_bytes', 'part_released_bytes', 'cpu_ms_per_export', 'body_bytes'):
    show(k, [r[k] for r in res[True]])
