"""Benchmark: the mixed load on one and on two app hosts, SQLite and PostgreSQL (issue 15),
each host in a network namespace of its own on this machine, one app host killed mid-run.

Usage (as root: ``ip netns`` needs it):
    .venv/bin/python -m bench.several_hosts [--works 2000] [--data-dir DIR]
        [--setups sqlite-1,postgres-1,postgres-2] [--processes 2] [--connections 64]
        [--threads 2] [--duration 60] [--warm-up 10] [--timeout 10] [--mixes read,write]
        [--kill-at 20] [--back-at 35] [--search per-host|postgres] [--members 200]
        [--guests 200] [--seed 12] [--zipf 1.0]

The archive is ``bench.traffic_data``'s (DIR, default /work/benchdata/traffic-<works>/, made
first if missing); for the PostgreSQL setups it is moved once with ``ficshelf
move-to-postgres`` into the database ``bench_hosts_<works>``. Search on PostgreSQL is
``--search``: ``per-host`` (the default, decision 0025: every app host keeps its own embedded
index, built from the database when the host first starts and then fed from the index
queue by its own indexer) or ``postgres`` (the PostgreSQL backend every host shares, indexed
by the move). The traffic is ``bench.traffic_load``'s: the same request lists, readers and
checks.

The topology, built for each setup and taken down after it:

- the database host is this machine's own namespace: PostgreSQL and Redis as they run here,
  reached by the other hosts at 10.77.0.1 through socat forwarders (so they keep listening
  on loopback only, and their trust for loopback is not widened);
- app hosts ``fs-app1`` and ``fs-app2`` (10.77.0.11, .12) on a bridge: ``ficshelf serve``
  with a data folder of their own; SQLite's one host runs its worker with it, as the
  embedded default does; on PostgreSQL the app hosts run ``serve --no-worker`` and the
  worker host ``fs-worker`` (10.77.0.13) runs ``ficshelf worker``; every PostgreSQL host
  shares one Redis (``REDIS_URL``) and one secret key;
- the balancer: nginx in this namespace, the address wrk sends to, passing each request to
  an app host and, when a host refuses or drops the connection before answering, to the
  other (``proxy_next_upstream error timeout``), as an operator's balancer would.

``--processes`` web processes in all, split between the app hosts (the machine's cores do
not grow with the hosts: this measures that nothing is lost or refused with two, not a
speed-up). The static baseline is the whitenoise file through nginx and the app hosts, in
the same run. In the two-host setup, ``--kill-at`` seconds into the write mix's measured run
every process of ``fs-app2`` is killed (SIGKILL, as a crash), and ``--back-at`` seconds in it
is started again. Figures per run as ``bench.traffic_load``: requests per second, p50/p90/p99,
socket errors, non-2xx/3xx, acknowledged writes looked up in the database ("lost writes").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import traffic_load as load
from bench.environment import use_data_folder
from bench.listing_load import STATIC_PATH, wait_until_up
from bench.traffic_data import default_folder, prepare

BRIDGE, BRIDGE_ADDRESS, SUBNET = "fsbr0", "10.77.0.1", "10.77.0.{}/24"
HOSTS = {"fs-app1": 11, "fs-app2": 12, "fs-worker": 13}
APP_PORT = 8000
FORWARDS = {15432: 5432, 16379: 6379}  # on the bridge -> on loopback (PostgreSQL, Redis)
REDIS_DB = 5
PG_BACKEND = "ficshelf.search.backends.postgres.PostgresBackend"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432"
NGINX = """worker_processes 1;
user root;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {run}/nginx-body;
  proxy_temp_path {run}/nginx-proxy;
  upstream archive {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 20m;
    location / {{
      proxy_pass http://archive;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $http_x_forwarded_for;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


@dataclass
class Setup:
    name: str  # sqlite-1, postgres-1, postgres-2
    database: str  # sqlite or postgres
    apps: list[str]
    worker_host: str | None  # None: the app host runs its worker
    processes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, name: str, total_processes: int) -> Setup:
        database, _, count = name.partition("-")
        if database not in ("sqlite", "postgres") or count not in ("1", "2"):
            sys.exit(f"unknown setup {name!r}: sqlite-1, postgres-1 or postgres-2")
        if database == "sqlite" and count == "2":
            sys.exit("two app hosts cannot share one SQLite file: sqlite-1 only")
        apps = ["fs-app1", "fs-app2"][: int(count)]
        share = max(1, total_processes // len(apps))
        worker = "fs-worker" if database == "postgres" and len(apps) > 1 else None
        return cls(name, database, apps, worker, {app: share for app in apps})


def main() -> None:
    args = parse_arguments()
    if args.one_setup:
        run_one_setup(args)
        return
    for tool in ("wrk", "nginx", "socat", "ip", "createdb"):
        if shutil.which(tool) is None:
            sys.exit(
                f"{tool} is not installed (apt install wrk nginx-light socat postgresql-client)"
            )
    if os.geteuid() != 0:
        sys.exit("network namespaces need root: run this as root")
    folder = args.data_dir or default_folder(args.works)
    use_data_folder(folder)
    prepare(folder, args.works)
    setups = [Setup.parse(name, args.processes) for name in args.setups.split(",")]
    if any(s.database == "postgres" for s in setups):
        move_once(folder, database_name(args), PG_BACKEND)
    load.close_database()
    run_dir = folder / f"hosts-{time.strftime('%Y%m%d-%H%M%S')}"
    run_dir.mkdir()
    secret = (folder / "secret_key").read_text().strip()
    for setup in setups:
        # Each setup in a process of its own, whose Django is set up for that setup's
        # database and cache (its sessions are made where the app hosts read them).
        env = {**os.environ, "FICSHELF_SECRET_KEY": secret, "FICSHELF_DATA_DIR": str(folder),
               "BENCH_SEARCH": args.search}  # fmt: skip
        if setup.database == "postgres":
            own = run_dir / f"{setup.name}-bench-data"
            own.mkdir()
            env.update(FICSHELF_DATA_DIR=str(own), DATABASE_URL=f"{PG_ADMIN}/{database_name(args)}",
                       REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "bench.several_hosts", *sys.argv[1:],
             "--one-setup", setup.name, "--run-dir", str(run_dir)],
            env=env, cwd=load.REPO, check=True,
        )  # fmt: skip
    print_summary(run_dir, args, folder)


def run_one_setup(args: argparse.Namespace) -> None:
    """In the process the parent started for one setup, with its environment."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "ficshelf.settings"
    django.setup()
    setup = Setup.parse(args.one_setup, args.processes)
    folder = args.data_dir or default_folder(args.works)
    secret = os.environ["FICSHELF_SECRET_KEY"]
    result = run_setup(setup, args, folder, database_name(args), secret, args.run_dir)
    (args.run_dir / f"{setup.name}.json").write_text(json.dumps(result))


def database_name(args: argparse.Namespace) -> str:
    return f"bench_hosts_{args.works}"


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--works", type=int, default=2000)
    parser.add_argument("--data-dir", type=Path, help="default: <bench data>/traffic-<works>")
    parser.add_argument("--setups", default="sqlite-1,postgres-1,postgres-2")
    parser.add_argument("--processes", type=int, default=2, help="web processes in all")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=60, help="seconds of each run")
    parser.add_argument("--warm-up", type=int, default=10, help="seconds before each run")
    parser.add_argument("--timeout", type=int, default=10, help="wrk's request timeout (s)")
    parser.add_argument("--mixes", default="read,write", help="read, write or both")
    parser.add_argument("--kill-at", type=int, default=20, help="s into the two-host write run")
    parser.add_argument("--back-at", type=int, default=35, help="s into that run")
    parser.add_argument("--search", choices=["per-host", "postgres"], default="per-host")
    parser.add_argument("--members", type=int, default=200, help="members signed in")
    parser.add_argument("--guests", type=int, default=200, help="guest sessions")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--zipf", type=float, default=1.0, help="popularity exponent")
    parser.add_argument("--one-setup", help=argparse.SUPPRESS)
    parser.add_argument("--run-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.workers = args.processes  # the name bench.traffic_load's report uses
    return args


# -- the PostgreSQL copy of the archive ----------------------------------------------------


def move_once(folder: Path, database: str, search_backend: str) -> None:
    """The SQLite archive moved into ``database`` with ``ficshelf move-to-postgres`` (the
    operator's path), once: a marker in the folder names the database it was moved to."""
    marker = folder / f"moved-to-{database}"
    if marker.exists() and database_exists(database):
        print(f"{database}: {marker.read_text().strip()} (moved before)", flush=True)
        return
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database],
                   check=True)  # fmt: skip
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ficshelf", "move-to-postgres", f"{PG_ADMIN}/{database}",
         "--quiet", "--search-backend", search_backend],
        check=True, env={**os.environ, "FICSHELF_DATA_DIR": str(folder)}, cwd=load.REPO,
    )  # fmt: skip
    marker.write_text(f"moved in {time.perf_counter() - started:.0f} s, search {search_backend}")


def database_exists(name: str) -> bool:
    """Whether the server has the database (a marker can outlive a database dropped since)."""
    found = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return found == "1"


# -- the topology --------------------------------------------------------------------------


def sh(*command: str, check: bool = True) -> None:
    subprocess.run(command, check=check, capture_output=not check)


def build_topology() -> list[subprocess.Popen[bytes]]:
    take_down_topology([])
    sh("ip", "link", "add", BRIDGE, "type", "bridge")
    sh("ip", "addr", "add", f"{BRIDGE_ADDRESS}/24", "dev", BRIDGE)
    sh("ip", "link", "set", BRIDGE, "up")
    for host, number in HOSTS.items():
        outside = f"v{number}"
        sh("ip", "netns", "add", host)
        sh("ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", host)
        sh("ip", "link", "set", outside, "master", BRIDGE, "up")
        sh("ip", "netns", "exec", host, "ip", "addr", "add", SUBNET.format(number), "dev", "eth0")
        sh("ip", "netns", "exec", host, "ip", "link", "set", "eth0", "up")
        sh("ip", "netns", "exec", host, "ip", "link", "set", "lo", "up")
    forwarders = []
    for outer, inner in FORWARDS.items():
        forwarders.append(
            subprocess.Popen(
                [
                    "socat",
                    f"TCP-LISTEN:{outer},bind={BRIDGE_ADDRESS},fork,reuseaddr",
                    f"TCP:127.0.0.1:{inner}",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    return forwarders


def take_down_topology(forwarders: list[subprocess.Popen[bytes]]) -> None:
    for process in forwarders:
        process.terminate()
        process.wait(timeout=10)
    for host, number in HOSTS.items():
        sh("ip", "netns", "del", host, check=False)
        sh("ip", "link", "del", f"v{number}", check=False)
    sh("ip", "link", "del", BRIDGE, check=False)


@dataclass
class Host:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


def start_host(
    host: str, setup: Setup, folder: Path, database: str, secret: str, run_dir: Path, n: int = 0
) -> Host:  # fmt: skip
    search = os.environ.get("BENCH_SEARCH", "per-host")
    """``ficshelf serve`` (or ``worker``) in ``host``'s namespace, in a session of its own so
    that the whole host (gunicorn, its web processes, a worker) can be killed at once."""
    log = run_dir / f"{setup.name}-{host}-{n}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "FICSHELF_TRUSTED_PROXIES": "1",
           "FICSHELF_SECRET_KEY": secret,
           "GUNICORN_CMD_ARGS": f"--access-logformat '{load.ACCESS_FORMAT}'"}  # fmt: skip
    if setup.database == "sqlite":
        env["FICSHELF_DATA_DIR"] = str(folder)
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    else:
        own = run_dir / f"{setup.name}-{host}-data"
        own.mkdir(exist_ok=True)
        env["FICSHELF_DATA_DIR"] = str(own)
        env["DATABASE_URL"] = f"postgres://postgres@{BRIDGE_ADDRESS}:15432/{database}"
        env["REDIS_URL"] = f"redis://{BRIDGE_ADDRESS}:16379/{REDIS_DB}"
        if search == "postgres":
            env["FICSHELF_SEARCH_BACKEND"] = PG_BACKEND
        else:
            env.pop("FICSHELF_SEARCH_BACKEND", None)
            env["FICSHELF_SEARCH"] = "per-host-embedded"
    if host == setup.worker_host:
        command = ["ficshelf", "worker"]
    else:
        command = ["ficshelf", "serve", "--host", "0.0.0.0", "--port", str(APP_PORT),
                   "--workers", str(setup.processes[host]), "--access-log"]  # fmt: skip
        if setup.worker_host:
            command.append("--no-worker")
    command = ["ip", "netns", "exec", host, sys.executable, "-m", *command]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=load.REPO, stdout=out, stderr=out, start_new_session=True
        )
    return Host(host, process, log)


def kill_host(host: Host) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(host.process.pid, signal.SIGKILL)
    host.process.wait()


def stop_host(host: Host) -> None:
    try:
        os.killpg(host.process.pid, signal.SIGTERM)
        host.process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        kill_host(host)


def wait_for_app(host: str, timeout: float = 90) -> None:
    url = f"http://10.77.0.{HOSTS[host]}:{APP_PORT}/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{host} did not answer {url} within {timeout:.0f} s")


def wait_for_index(host: str, timeout: float = 900) -> None:
    """Until the host's search answers the same number of works three times a second apart:
    a host with an index of its own builds it from the database when it first starts."""
    url = f"http://10.77.0.{HOSTS[host]}:{APP_PORT}/health"
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                report = json.loads(response.read())
        except urllib.error.HTTPError as failing:  # 503 while the index lags
            report = json.loads(failing.read())
        except OSError:
            report = {}
        detail = report.get("checks", {}).get("search_index", {}).get("detail", "")
        found = re.search(r"\(([\d,]+) works\)", detail)
        seen.append(int(found.group(1).replace(",", "")) if found else 0)
        if len(seen) >= 3 and seen[-1] > 0 and len(set(seen[-3:])) == 1:
            print(f"{host}: its search answers {seen[-1]:,} works", flush=True)
            return
        time.sleep(1)
    sys.exit(f"{host}'s search index was not ready within {timeout:.0f} s")


def start_balancer(setup: Setup, run_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = load.free_port()
    servers = "\n".join(
        f"    server 10.77.0.{HOSTS[app]}:{APP_PORT} max_fails=1 fail_timeout=2s;"
        for app in setup.apps
    )
    conf = run_dir / f"{setup.name}-nginx.conf"
    conf.write_text(NGINX.format(run=run_dir, servers=servers, port=port))
    process = subprocess.Popen(
        ["nginx", "-c", str(conf), "-p", str(run_dir), "-g", "daemon off;", "-e", "stderr"],
        stdout=subprocess.DEVNULL, stderr=(run_dir / f"{setup.name}-nginx.log").open("wb"),
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}"


# -- a setup's runs ------------------------------------------------------------------------


def run_setup(
    setup: Setup, args: argparse.Namespace, folder: Path, database: str, secret: str,
    run_dir: Path,
) -> dict[str, Any]:  # fmt: skip
    print(f"== {setup.name}: app hosts {', '.join(setup.apps)}; worker "
          f"{setup.worker_host or 'on the app host'}; {setup.processes}", flush=True)  # fmt: skip
    load.empty_cache()
    archive = load.Archive.gather(args.zipf)
    readers = load.make_readers(archive, args.members, args.guests, args.seed)
    setup_dir = run_dir / setup.name
    setup_dir.mkdir()
    lists = load.write_request_lists(archive, readers, args, setup_dir)
    load.close_database()
    forwarders = build_topology()
    hosts: dict[str, Host] = {}
    balancer = None
    rows: list[tuple[str, dict[str, float]]] = []
    writes: dict[str, Any] = {}
    failover: dict[str, float] = {}
    try:
        for name in [*setup.apps, *([setup.worker_host] if setup.worker_host else [])]:
            hosts[name] = start_host(name, setup, folder, database, secret, setup_dir)
        for app in setup.apps:
            wait_for_app(app)
            wait_for_index(app)
        balancer, base = start_balancer(setup, setup_dir)
        wait_until_up(base + STATIC_PATH)
        load.check_requests(base, lists)
        for mix in ["static", *args.mixes.split(",")]:
            if mix == "write":
                writes["before"] = load.counts()
                load.close_database()
            for phase, seconds in (("warm-up", args.warm_up), ("run", args.duration)):
                script = None if mix == "static" else lists[f"{mix}-{phase}"]
                crash = mix == "write" and phase == "run" and len(setup.apps) > 1
                if crash:
                    killer = Crash(hosts, setup, folder, database, secret, setup_dir, args)
                    killer.start()
                result = load.run_wrk(base, args, seconds, f"{mix}-{phase}", script, setup_dir)
                if crash:
                    failover = killer.finish()
                load.settle(base)
                if phase == "run":
                    rows.append((mix, result))
                    print(mix, {k: round(v, 1) for k, v in result.items()}, flush=True)
            if mix == "write":
                writes["after"] = load.counts()
                writes["acked"] = load.read_acks(setup_dir, "write")
                writes["lost"] = load.check_writes(writes, lists["write-ids"])
                load.close_database()
    finally:
        if balancer:
            balancer.terminate()
            balancer.wait(timeout=10)
        for running in hosts.values():
            stop_host(running)
        take_down_topology(forwarders)
    log = setup_dir / "access.log"
    with log.open("w") as combined:
        for path in sorted(setup_dir.glob(f"{setup.name}-fs-*.log")):
            combined.write(path.read_text(errors="replace"))
    load.print_report(rows, writes, log, args, archive, folder)
    return {"setup": setup.name, "rows": rows, "lost": writes.get("lost", {}),
            "failover": failover}  # fmt: skip


class Crash:
    """Kills every process of fs-app2 ``--kill-at`` seconds into a run and starts it again
    ``--back-at`` seconds in, from a thread, while wrk runs."""

    def __init__(
        self, hosts: dict[str, Host], setup: Setup, folder: Path, database: str, secret: str,
        run_dir: Path, args: argparse.Namespace,
    ) -> None:  # fmt: skip
        import threading

        self.hosts, self.setup, self.args = hosts, setup, args
        self.start_args = (folder, database, secret, run_dir)
        self.times: dict[str, float] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.began = time.monotonic()
        self.thread.start()

    def _run(self) -> None:
        time.sleep(self.args.kill_at)
        kill_host(self.hosts["fs-app2"])
        self.times["killed_at"] = time.monotonic() - self.began
        time.sleep(max(0, self.args.back_at - self.args.kill_at))
        folder, database, secret, run_dir = self.start_args
        self.hosts["fs-app2"] = start_host(
            "fs-app2", self.setup, folder, database, secret, run_dir, n=1
        )
        self.times["started_at"] = time.monotonic() - self.began
        wait_for_app("fs-app2")
        self.times["answering_at"] = time.monotonic() - self.began

    def finish(self) -> dict[str, float]:
        self.thread.join(timeout=120)
        return self.times


def print_summary(run_dir: Path, args: argparse.Namespace, folder: Path) -> None:
    print()
    print(f"{load.machine()}; {folder}; {args.processes} web processes in all, wrk "
          f"{args.threads} threads, {args.connections} connections, {args.warm_up} s warm-up "
          f"+ {args.duration} s; search on PostgreSQL: {args.search}")  # fmt: skip
    print()
    print("| setup | mix | req/s | x static | p50 ms | p99 ms | socket errors | non-2xx/3xx "
          "| lost writes |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name in args.setups.split(","):
        result = json.loads((run_dir / f"{name}.json").read_text())
        rows = result["rows"]
        static = rows[0][1]["rps"]
        for mix, r in rows:
            lost = sum(result["lost"].values()) if mix == "write" else ""
            print(
                f"| {name} | {mix} | {r['rps']:.1f} | {r['rps'] / static:.4f} | "
                f"{r['p50']:.1f} | {r['p99']:.1f} | {r['socket_errors']:.0f} | "
                f"{r['non2xx']:.0f} | {lost} |"
            )
        if result["failover"]:
            times = ", ".join(f"{k} {v:.1f} s" for k, v in result["failover"].items())
            print(f"|  | (fs-app2: {times}) | | | | | | | |")


if __name__ == "__main__":
    main()
