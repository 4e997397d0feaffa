#!/usr/bin/env python3
"""Latency benchmark of `idxlint lsp`: time from a change in one migration to the
diagnostics being published, in a generated repository of 1,000 migrations.

Usage: python3 bench/lsp.py [path/to/idxlint] [--migrations N] [--runs N]
(default binary: target/release/idxlint; build it with `cargo build --release`).

What it does: writes a temporary repository (N migrations, each creating a table and an
index, the later ones adding indexes to earlier tables; 100 Python files with queries),
starts `idxlint lsp`, opens one application file and one migration, then repeatedly
sends a full-text `didChange` of the migration (alternating two texts) and measures the
wall time until `publishDiagnostics` for that migration, with the change's version,
arrives. Prints the startup time and the median, p95, min and max latency.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import queue
import time


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def generate(root, migrations):
    write(os.path.join(root, "idxlint.toml"), 'dialect = "postgres"\n')
    for i in range(1, migrations + 1):
        if i % 2 == 1 or i < 3:
            text = (
                f"CREATE TABLE t{i} (\n    id bigint PRIMARY KEY,\n    owner_id bigint NOT NULL,\n"
                f"    status text,\n    created_at timestamptz NOT NULL DEFAULT now()\n);\n"
                f"CREATE INDEX t{i}_owner_idx ON t{i} (owner_id);\n"
            )
        else:
            text = f"CREATE INDEX CONCURRENTLY t{i - 1}_status_idx ON t{i - 1} (status, created_at);\n"
        write(os.path.join(root, "migrations", f"{i:04d}_step.sql"), text)
    for j in range(100):
        t = 2 * j + 1
        write(
            os.path.join(root, "app", f"repo_{j}.py"),
            "def by_owner(cur, owner):\n"
            f'    cur.execute("SELECT id FROM t{t} WHERE owner_id = %s", (owner,))\n'
            "def by_created(cur, since):\n"
            f'    cur.execute("SELECT id FROM t{t} WHERE created_at > %s ORDER BY created_at", (since,))\n',
        )


class Client:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen(
            [binary, "lsp"], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.messages = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put((time.perf_counter(), json.loads(out.read(length))))

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m)

    def wait(self, pred, timeout=120):
        deadline = time.time() + timeout
        while True:
            at, msg = self.messages.get(timeout=max(0.1, deadline - time.time()))
            if pred(msg):
                return at, msg


def uri(path):
    return "file://" + path


def published(uri_, version=None):
    def pred(m):
        if m.get("method") != "textDocument/publishDiagnostics":
            return False
        p = m["params"]
        return p["uri"] == uri_ and (version is None or p.get("version") == version)

    return pred


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default="target/release/idxlint")
    ap.add_argument("--migrations", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=100)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)

    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.realpath(os.path.join(tmp, "repo"))
        generate(root, args.migrations)
        t0 = time.perf_counter()
        c = Client(binary, root)
        c.request("initialize", {"processId": None, "rootUri": uri(root), "capabilities": {}})
        c.notify("initialized", {})
        app = os.path.join(root, "app", "repo_7.py")
        mig = os.path.join(root, "migrations", f"{args.migrations // 2:04d}_step.sql")
        with open(app) as f:
            c.notify("textDocument/didOpen", {"textDocument": {
                "uri": uri(app), "languageId": "python", "version": 1, "text": f.read()}})
        with open(mig) as f:
            original = f.read()
        c.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(mig), "languageId": "sql", "version": 1, "text": original}})
        c.wait(published(uri(mig), 1))
        startup = time.perf_counter() - t0

        edited = original + "CREATE INDEX bench_extra_idx ON t1 (status);\n"
        latencies = []
        for run in range(args.runs):
            version = run + 2
            text = edited if run % 2 == 0 else original
            sent = time.perf_counter()
            c.notify("textDocument/didChange", {
                "textDocument": {"uri": uri(mig), "version": version},
                "contentChanges": [{"text": text}]})
            at, msg = c.wait(published(uri(mig), version))
            latencies.append((at - sent) * 1000)
            if run == 0:
                codes = sorted({d.get("code") for d in msg["params"]["diagnostics"]})
                print(f"diagnostics after the first change: {codes}")
        c.request("shutdown", None)
        c.notify("exit", None)
        c.proc.wait(timeout=30)

    files = args.migrations + 100
    print(f"repository: {args.migrations} migrations + 100 application files ({files} files)")
    print(f"startup (spawn, initialize, load, first diagnostics): {startup * 1000:.0f} ms")
    print(
        f"change -> diagnostics over {args.runs} runs: median {statistics.median(latencies):.1f} ms, "
        f"p95 {p95(latencies):.1f} ms, min {min(latencies):.1f} ms, max {max(latencies):.1f} ms"
    )


def p95(values):
    """The 95th percentile (nearest rank)."""
    ranked = sorted(values)
    return ranked[max(0, -(-len(ranked) * 95 // 100) - 1)]


if __name__ == "__main__":
    sys.exit(main())
