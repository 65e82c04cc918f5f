"""Benchmark: what the daemon costs while nothing arrives, on a store of 20k articles.

    python benchmarks/idle_daemon.py [--size 20000] [--seconds 60] [--dir /tmp/voci-pass-bench]

Runs a real `voci run` (the daemon, its default tick of 5 s) on a copy of the synthetic
store of benchmarks/pass_bench.py, with the shipped outlets' feeds pointed at a loopback
server that answers every poll with an empty feed (and 304 to a conditional request),
each feed polled hourly. After a warm-up (the first polls and the first refresh) it
reads the daemon's CPU time (user + system, all threads, from /proc) over `--seconds`
and prints CPU-seconds per minute. It also times, in this process, the two refreshes an
idle daemon still runs - the hourly one with nothing new, and the first one of a day,
when a day of decay makes every open rumour due - and prints what they add per minute
on average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pass_bench  # noqa: E402

from pipeline.refresh import refresh  # noqa: E402
from pipeline.sources import load_sources  # noqa: E402
from pipeline.store import Store, head_revision  # noqa: E402

EMPTY = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>idle</title>'
         b"<link>http://127.0.0.1/</link><description>nothing new</description>"
         b"</channel></rss>")


class _Feed(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.headers.get("If-None-Match") == '"idle"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"idle"')
        self.send_header("Content-Length", str(len(EMPTY)))
        self.end_headers()
        self.wfile.write(EMPTY)

    def log_message(self, *args: object) -> None:
        pass


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sources_file(path: Path, port: int) -> Path:
    real = yaml.safe_load((ROOT / "sources.yaml").read_text(encoding="utf-8"))
    for outlet in real["outlets"]:
        outlet["feeds"] = [{"url": f"http://127.0.0.1:{port}/{outlet['id']}.xml",
                            "poll_interval": "1h"}]
        outlet.pop("domains", None)
    out = path / "sources.yaml"
    out.write_text(yaml.safe_dump(real, allow_unicode=True), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=30.0)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/voci-pass-bench"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    base = args.dir / f"store-{args.size}-{head_revision()}.db"
    if not base.exists():
        print(f"building the {args.size}-article store (once, kept in {args.dir})", flush=True)
        pass_bench.build(base, args.size)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "voci.db"
        shutil.copyfile(base, work)
        sources = sources_file(Path(tmp), server.server_address[1])
        daemon = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--db", str(work), "--sources", str(sources),
             "run", "--host-delay", "0"], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(args.warmup)
            t0, c0 = time.monotonic(), cpu_seconds(daemon.pid)
            time.sleep(args.seconds)
            t1, c1 = time.monotonic(), cpu_seconds(daemon.pid)
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)
        idle = (c1 - c0) / (t1 - t0) * 60
        # The refreshes an idle daemon still runs, timed here on another copy.
        shutil.copyfile(base, work)
        for suffix in ("-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        src = load_sources(ROOT / "sources.yaml")
        with Store(f"sqlite:///{work}") as store:
            t = time.process_time()
            refresh(src, store, as_of=pass_bench.END + dt.timedelta(hours=1))
            hourly = time.process_time() - t
            t = time.process_time()
            done = refresh(src, store, as_of=pass_bench.END + dt.timedelta(days=1))
            daily = time.process_time() - t
    server.shutdown()
    print(f"idle daemon on {args.size} articles: {idle:.2f} CPU-s per minute "
          f"(measured over {t1 - t0:.0f} s after a {args.warmup:.0f} s warm-up)")
    print(f"hourly refresh with nothing new: {hourly:.2f} CPU-s "
          f"(+{hourly / 60:.3f} CPU-s per minute)")
    print(f"first refresh of a day ({done.scored} rumours due): {daily:.2f} CPU-s "
          f"(+{daily / 1440:.3f} CPU-s per minute)")
    print(f"total: {idle + hourly / 60 + daily / 1440:.2f} CPU-s per minute")


if __name__ == "__main__":
    main()
