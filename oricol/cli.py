"""The `oricol` command: init, start, stop, status, keys, config, migrate, psql, backup, restore, and the
helpdesk's users and demo."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from oricol import config as configuration
from oricol import initenv


def _load(args: argparse.Namespace, overrides: dict[str, str] | None = None) -> configuration.Config:
    environ = dict(os.environ)
    environ.update(overrides or {})
    try:
        return configuration.load(Path(args.env_file) if args.env_file else None, environ)
    except configuration.ConfigError as error:
        sys.exit(f"oricol: configuration error: {error}")


def cmd_init(args: argparse.Namespace) -> int:
    path = Path(args.env_file or ".env")
    if path.exists() and not args.force:
        if args.if_missing:
            return 0
        print(f"oricol: {path} exists already; use --force to replace it (this changes every secret)",
              file=sys.stderr)
        return 1
    initenv.write(path)
    print(f"oricol: wrote {path} with freshly generated secrets")
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    overrides = {"ORICOL_SERVICES": args.only} if args.only else {}
    if args.workers:
        overrides["ORICOL_WORKERS"] = args.workers
    config = _load(args, overrides)
    if args.detach:
        return _start_detached(args, config)
    from oricol import logs, server

    several = config.core.workers > 1  # the workers append to the same file; this process rotates it
    logs.configure(config.core.log_level, log_file=config.core.data_dir / "logs" / "oricol.jsonl",
                   shared_file=several, fields={"worker": "supervisor", "pid": os.getpid()} if several else None)
    pid_file = config.core.data_dir / "oricol.pid"
    config.core.data_dir.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(str(os.getpid()))
    from oricol.pg.binaries import BinariesNotFound
    from oricol.pg.embedded import ClusterError

    try:
        return server.run(config)
    except (BinariesNotFound, ClusterError, OSError) as error:
        print(f"oricol: cannot start: {error}", file=sys.stderr)
        return 2
    finally:
        if pid_file.exists() and pid_file.read_text().strip() == str(os.getpid()):
            pid_file.unlink()


def _start_detached(args: argparse.Namespace, config: configuration.Config) -> int:
    config.core.data_dir.mkdir(parents=True, exist_ok=True)
    log_path = config.core.data_dir / "oricol.log"
    command = [sys.executable, "-m", "oricol", "start"]
    if args.env_file:
        command += ["--env-file", args.env_file]
    if args.only:
        command += ["--only", args.only]
    if args.workers:
        command += ["--workers", args.workers]
    # 0600 like .env: the server's stderr holds every log line (user ids, emails, paths).
    with os.fdopen(os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as log:
        os.chmod(log_path, 0o600)
        process = subprocess.Popen(command, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"oricol: the server exited with code {process.returncode}; see {log_path}", file=sys.stderr)
            return 1
        status, _ = _health(config)
        if status == 200:
            print(f"oricol: started (pid {process.pid}), API at {config.core.public_url}, log in {log_path}")
            return 0
        time.sleep(0.2)
    print(f"oricol: not healthy after {args.wait}s; see {log_path}", file=sys.stderr)
    return 1


def cmd_stop(args: argparse.Namespace) -> int:
    config = _load(args)
    pid_file = config.core.data_dir / "oricol.pid"
    stopped = False
    if pid_file.exists():
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.1)
            print(f"oricol: pid {pid} did not stop within {args.timeout}s", file=sys.stderr)
            return 1
        except (ValueError, ProcessLookupError):
            stopped = True
        pid_file.unlink(missing_ok=True)
    if config.core.embedded:
        from oricol.pg.cluster import embedded_cluster

        cluster = embedded_cluster(config)
        if cluster.initialised and cluster.running():
            cluster.stop()  # left behind by a crashed server
            stopped = True
    print("oricol: stopped" if stopped else "oricol: not running")
    return 0


def _health(config: configuration.Config) -> tuple[int, dict]:
    host = "127.0.0.1" if config.core.host in ("0.0.0.0", "::", "") else config.core.host
    url = f"http://{host}:{config.core.port}/health"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read())
        except ValueError:
            return error.code, {}
    except (OSError, ValueError):
        return 0, {}


def cmd_status(args: argparse.Namespace) -> int:
    config = _load(args)
    status, body = _health(config)
    if status == 0:
        print(f"oricol: not reachable at {config.core.public_url}")
        if config.core.embedded:
            from oricol.pg.cluster import embedded_cluster

            cluster = embedded_cluster(config)
            running = cluster.initialised and cluster.running()
            print(f"  {'postgres':<10} {'up (no server in front)' if running else 'down'}")
        _print_backup_status(config)
        return 1
    for name, state in body.get("parts", {}).items():
        print(f"  {name:<10} {state}")
    workers = body.get("workers")
    if workers:
        print(f"  {'workers':<10} {workers['serving']}/{workers['wanted']} serving, {workers['restarts']} restarts")
    _print_web_app(config)
    _print_backup_status(config)
    print(f"oricol: {body.get('status', 'unknown')} at {config.core.public_url}")
    return 0 if status == 200 else 1


def _print_web_app(config: configuration.Config) -> None:
    from oricol.staticfiles import WEB_DIST

    def state(page: str) -> str:
        built = (WEB_DIST / page).is_file()
        return "built" if built else "not built (run `make start`, or `npm ci && npm run build` in web/)"

    if "webapp" in config.core.services:
        print(f"  {'web app':<10} {config.core.public_url}/ ({state('index.html')})")
    if "studio" in config.core.services:
        print(f"  {'console':<10} {config.core.public_url}/studio/ ({state('studio/index.html')}); "
              f"sign in as {config.core.dashboard_username!r}, see `oricol keys`")


def _print_backup_status(config: configuration.Config) -> None:
    from oricol.backup import commands
    from oricol.helpdesk.notify.status import status_lines as mail_lines

    for line in commands.status_lines(config):
        print(line)
    try:
        with commands.database(config, start=False) as url:
            lines = mail_lines(config, url)
    except OSError:
        lines = []
    for line in lines:
        print(line)


def cmd_backup(args: argparse.Namespace) -> int:
    from oricol.backup import commands

    config = _load(args)
    return commands.guarded(lambda: commands.backup(config))


def cmd_backups(args: argparse.Namespace) -> int:
    from oricol.backup import commands

    return commands.list_backups(_load(args))


def cmd_restore(args: argparse.Namespace) -> int:
    from oricol.backup import commands

    config = _load(args)
    return commands.guarded(lambda: commands.restore_backup(config, args.backup, args.yes,
                                                            healthy=lambda: _health(config)[0] != 0))


def cmd_import(args: argparse.Namespace) -> int:
    from oricol.moving import commands

    if args.import_kind == "oricol-legacy":
        return commands.import_legacy(_load(args), args.db_url, args.plan, args.yes)
    return commands.import_supabase(_load(args), args.db_url, args.storage_url, args.service_key, args.plan,
                                    args.yes, dump=args.dump, objects_dir=args.objects)


def cmd_export(args: argparse.Namespace) -> int:
    from oricol.moving import commands

    return commands.export_supabase(_load(args), args.out)


def keys_of(config: configuration.Config) -> dict[str, str]:
    core = config.core
    db_url = core.database_url or f"postgresql://postgres:{core.postgres_password}@127.0.0.1:{core.db_port}/postgres"
    return {
        "api_url": core.public_url,
        "rest_url": f"{core.public_url}/rest/v1",
        "auth_url": f"{core.public_url}/auth/v1",
        "storage_url": f"{core.public_url}/storage/v1",
        "realtime_url": f"{core.public_url.replace('http', 'ws', 1)}/realtime/v1",
        "db_url": db_url,
        "app_url": f"{core.public_url}/",
        "studio_url": f"{core.public_url}/studio/",
        "studio_username": core.dashboard_username,
        "studio_password": core.dashboard_password,
        "mail_url": f"http://127.0.0.1:{config.mail.http_port}",
        "jwt_secret": core.jwt_secret,
        "anon_key": core.anon_key,
        "service_role_key": core.service_role_key,
    }


def cmd_keys(args: argparse.Namespace) -> int:
    keys = keys_of(_load(args))
    if args.json:
        print(json.dumps(keys, indent=2))
    else:
        width = max(len(k) for k in keys)
        for key, value in keys.items():
            print(f"{key.replace('_', ' '):>{width}}: {value}")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    print(json.dumps(configuration.masked(_load(args)), indent=2, default=str))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from oricol import bootstrap
    from oricol.migrate import MigrationError
    from oricol.pg.cluster import admin_url, embedded_cluster, start_cluster

    if args.dir and not Path(args.dir).is_dir():
        print(f"oricol: the migrations folder {args.dir} does not exist", file=sys.stderr)
        return 1
    config = _load(args)
    folder = Path(args.dir) if args.dir else config.core.migrations_dir
    if not folder.is_dir():
        print(f"oricol: no migrations folder at {folder} (set ORICOL_MIGRATIONS_DIR or pass one); "
              "applying the platform's migrations only")
    cluster = None
    started_here = False
    if config.core.embedded:
        cluster = embedded_cluster(config)
        started_here = not (cluster.initialised and cluster.running())
        cluster = start_cluster(config)
    try:
        applied = asyncio.run(bootstrap.prepare(admin_url(config, cluster), config.core.postgres_password, folder,
                                                helpdesk=config.helpdesk.enabled))
    except MigrationError as error:
        print(f"oricol: migration failed: {error}", file=sys.stderr)
        return 1
    finally:
        if cluster is not None and started_here:
            cluster.stop()
    for migration in applied:
        print(f"applied {migration.source}/{migration.path.name}")
    if not applied:
        print("oricol: nothing to apply")
    return 0


def cmd_psql(args: argparse.Namespace) -> int:
    config = _load(args)
    url = keys_of(config)["db_url"]
    psql = shutil.which("psql")
    if config.core.embedded:
        from oricol.pg.binaries import find_bindir

        candidate = find_bindir(config.core.pg_bindir) / "psql"
        psql = str(candidate) if candidate.exists() else psql
    if not psql:
        print("oricol: psql was not found; install the PostgreSQL client", file=sys.stderr)
        return 1
    os.execv(psql, [psql, url, *args.psql_args])
    return 0  # not reached


def cmd_logs(args: argparse.Namespace) -> int:
    from oricol.logs import follow, matches

    config = _load(args)
    path = config.core.data_dir / "logs" / "oricol.jsonl"
    if not path.exists() and not args.follow:
        print(f"oricol: no log yet at {path}", file=sys.stderr)
        return 1
    try:
        for line in follow(path, from_end_lines=args.lines, keep_following=args.follow):
            if matches(line, args.filter):
                print(line, flush=True)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from oricol.helpdesk import commands

    config = _load(args)
    if args.users_command == "add":
        return commands.users_add(config, args.email, args.role, args.name, args.password_stdin)
    if args.users_command == "role":
        return commands.users_role(config, args.email, args.role)
    return commands.users_list(config)


def cmd_demo(args: argparse.Namespace) -> int:
    from oricol.helpdesk import commands

    return commands.demo(_load(args), args.tickets, args.comments_per_ticket)


def _helpdesk_parsers(sub) -> None:
    roles = ("requester", "agent", "manager", "admin")
    p = sub.add_parser("users", help="helpdesk users: add (with a role), list, change a role")
    p.set_defaults(func=cmd_users)
    users = p.add_subparsers(dest="users_command", required=True)
    q = users.add_parser("add", help="create a confirmed user with a helpdesk role")
    q.add_argument("email")
    q.add_argument("--role", choices=roles, default="requester")
    q.add_argument("--name", help="full name")
    q.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input (otherwise one is generated and printed once)")
    users.add_parser("list", help="every helpdesk member with role and state")
    q = users.add_parser("role", help="change a member's role")
    q.add_argument("email")
    q.add_argument("role", choices=roles)

    p = sub.add_parser("demo", help="load a demo organisation with tickets into the helpdesk")
    p.add_argument("--tickets", type=int, default=2000, help="how many tickets (default 2000)")
    p.add_argument("--comments-per-ticket", type=float, default=4.0, help="average comments per ticket (default 4)")
    p.set_defaults(func=cmd_demo)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="oricol", description="Oricol: a self-hosted Supabase-compatible stack")
    top.add_argument("--env-file", help="configuration file (default: .env in the current directory)")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="write .env with freshly generated secrets")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--if-missing", action="store_true", help="do nothing (and succeed) when the file exists")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("start", help="start the stack (foreground unless --detach)")
    p.add_argument("--detach", action="store_true", help="run in the background with a pid file")
    p.add_argument("--only", help="comma-separated services to run, e.g. rest,auth")
    p.add_argument("--workers", help="worker processes serving the gateway, or `auto` for one per CPU "
                                     "(default: ORICOL_WORKERS, else 1)")
    p.add_argument("--wait", type=float, default=120,
                   help="with --detach: seconds to wait for the stack to be healthy (default 120)")
    p.set_defaults(func=cmd_start)

    p = sub.add_parser("stop", help="stop a running stack")
    p.add_argument("--timeout", type=float, default=60,
                   help="seconds to wait for the server to stop before giving up (default 60)")
    p.set_defaults(func=cmd_stop)

    sub.add_parser("status", help="health of every part; non-zero exit if any is down").set_defaults(func=cmd_status)

    p = sub.add_parser("keys", help="URLs and keys, as `supabase status` prints them")
    p.add_argument("--json", action="store_true", help="print them as one JSON object, for scripts")
    p.set_defaults(func=cmd_keys)

    sub.add_parser("config", help="the effective configuration, secrets masked").set_defaults(func=cmd_config)

    p = sub.add_parser("migrate", help="apply the platform and app migrations")
    p.add_argument("dir", nargs="?", help="folder of timestamp-named .sql files (default from config)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("logs", help="show (and follow) the JSON logs, filtered by key=value or text")
    p.add_argument("filter", nargs="*", help="e.g. service=rest status=500, or any text")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines as they are written")
    p.add_argument("-n", "--lines", type=int, default=200, help="how many of the last lines to show first")
    p.set_defaults(func=cmd_logs)

    sub.add_parser("backup", help="back up the database and storage objects now").set_defaults(func=cmd_backup)
    sub.add_parser("backups", help="list the backups, newest first").set_defaults(func=cmd_backups)
    p = sub.add_parser("restore", help="restore a backup (the stack must be stopped)")
    p.add_argument("backup", help="a backup's name (see `oricol backups`) or its folder")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("import", help="bring a Supabase project into this installation")
    kinds = p.add_subparsers(dest="import_kind", required=True)
    q = kinds.add_parser("supabase", help="database, auth users (passwords kept), storage buckets and objects")
    q.add_argument("--db-url",
                   help="the project's database URL (postgresql://postgres:...@db.<ref>.supabase.co:5432/postgres, "
                        "or its pooler URL in session mode)")
    q.add_argument("--dump", help="instead of --db-url: a `supabase db dump`/pg_dump file (plain or custom format) "
                                  "or an `oricol export supabase` folder")
    q.add_argument("--objects", help="an export's storage folder (manifest.json, <bucket>/<key>) for the objects' "
                                     "bytes; default: the storage folder of an export given as --dump")
    q.add_argument("--storage-url", help="the project's URL or Storage API URL, to fetch the objects' bytes")
    q.add_argument("--service-key", help="the project's service_role key, for --storage-url")
    q.add_argument("--plan", action="store_true", help="print what would be imported and change nothing")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.set_defaults(func=cmd_import)
    q = kinds.add_parser("oricol-legacy", help="the original Oricol app's tables mapped into the helpdesk")
    q.add_argument("--db-url", help="a database holding the original app's tables in `public` "
                                    "(default: this installation's own database)")
    q.add_argument("--plan", action="store_true", help="print what would be imported and change nothing")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="write this installation out in the layout Supabase's tools restore")
    kinds = p.add_subparsers(dest="export_kind", required=True)
    q = kinds.add_parser("supabase", help="schema.sql, data files (auth users with their hashes) and storage objects")
    q.add_argument("--out", required=True, help="a new or empty folder to write into")
    q.set_defaults(func=cmd_export)

    p = sub.add_parser("psql", help="a psql shell on the project's database")
    p.set_defaults(func=cmd_psql)
    _helpdesk_parsers(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough: list[str] = []
    if "psql" in argv:  # everything after `psql` belongs to psql, dashes included
        at = argv.index("psql")
        argv, passthrough = argv[:at + 1], argv[at + 1:]
    args = parser().parse_args(argv)
    if args.command == "psql":
        args.psql_args = passthrough
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
