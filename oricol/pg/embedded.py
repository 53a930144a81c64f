"""An embedded PostgreSQL cluster in the data dir: initdb on first start, start, stop, crash recovery.

PostgreSQL refuses to run as root, so when Oricol runs as root the cluster is owned by and runs as
the `postgres` system user (or `nobody` where there is none). That user must reach the cluster's
folder; when the data dir lies where it cannot (a `mktemp -d`, /root/...), `placement` puts the
cluster under RELOCATED_ROOT instead and leaves a symlink `<data dir>/postgres` pointing at it.
"""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .binaries import find_bindir

SUPERUSER = "postgres"
RELOCATED_ROOT = Path("/var/lib/oricol-embedded")
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes; leave room for "/.s.PGSQL.NNNNN"

SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "logical",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    # A replication slot keeps WAL until it is read; when no realtime server runs for a long time this
    # bounds what it keeps (the slot is then invalidated, and realtime says so and starts a new one).
    "max_slot_wal_keep_size": "'4GB'",
    "max_connections": "200",
    # No CREATE SUBSCRIPTION here (realtime reads its slot with SQL functions): without apply workers
    # PostgreSQL starts no logical replication launcher, one idle process fewer.
    "max_logical_replication_workers": "0",
    "shared_buffers": "64MB",
    "fsync": "on",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "password_encryption": "'scram-sha-256'",
}


class ClusterError(RuntimeError):
    pass


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ClusterError("running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL")


def _chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    for root, _dirs, files in os.walk(path):
        os.chown(root, user.pw_uid, user.pw_gid)
        for name in files:
            os.chown(os.path.join(root, name), user.pw_uid, user.pw_gid, follow_symlinks=False)


def _blocking_parent(path: Path, user: pwd.struct_passwd) -> Path | None:
    """The first folder above `path` that `user` may not enter, if any (folders not made yet will be
    made by us with the usual 0755)."""
    for parent in reversed(path.resolve().parents):
        try:
            info = parent.stat()
        except FileNotFoundError:
            continue
        if info.st_uid == user.pw_uid:
            ok = info.st_mode & 0o100
        elif info.st_gid == user.pw_gid:
            ok = info.st_mode & 0o010
        else:
            ok = info.st_mode & 0o001
        if not ok:
            return parent
    return None


def placement(data_dir: Path, *, create: bool) -> tuple[Path, Path]:
    """(cluster folder, socket folder) for a data dir: `<data dir>/postgres` and `<data dir>/run`, unless
    we run as root and the PostgreSQL user cannot enter the data dir. Then (with `create`) the cluster
    gets a fresh folder under RELOCATED_ROOT, recorded by the symlink `<data dir>/postgres`: deleting
    the data dir forgets it, so a new .env never meets an old cluster with another password."""
    link, sockets = data_dir / "postgres", data_dir / "run"
    if link.is_symlink():
        target = Path(os.readlink(link))
        return target, target.parent / "run"
    user = _run_as()
    if user is None or (link / "PG_VERSION").is_file() or _blocking_parent(link, user) is None:
        return link, sockets
    if not create:
        return link, sockets
    if link.is_dir():
        link.rmdir()  # an empty folder left by an earlier failed start (not empty: OSError, nothing lost)
    RELOCATED_ROOT.mkdir(parents=True, exist_ok=True)
    os.chmod(RELOCATED_ROOT, 0o755)
    base = Path(tempfile.mkdtemp(prefix="cluster-", dir=RELOCATED_ROOT))
    os.chmod(base, 0o755)
    data_dir.mkdir(parents=True, exist_ok=True)
    link.symlink_to(base / "postgres")
    return base / "postgres", base / "run"


def _reachable_bindir(bindir: Path, user: pwd.struct_passwd, beside: Path) -> Path:
    """Binaries the PostgreSQL user can run. A self-contained install (the pip wheel) inside a folder that
    user cannot enter (a 0700 home or checkout) is copied next to the data dir, with the wheel's bundled
    libraries (`<package>.libs`, found through an RPATH relative to the binaries) in the same layout."""
    if _blocking_parent(bindir / "postgres", user) is None:
        return bindir
    bindir = bindir.resolve()
    top = bindir.parent
    for ancestor in bindir.parents:
        if (ancestor.parent / f"{ancestor.name}.libs").is_dir():
            top = ancestor
            break
    copy = beside / ".pg-install"
    target = copy / bindir.relative_to(top.parent)
    if not (target / "postgres").is_file():
        for folder in (top, top.parent / f"{top.name}.libs"):
            if folder.is_dir():
                shutil.copytree(folder, copy / folder.name, symlinks=True, dirs_exist_ok=True)
        for root, _, _ in os.walk(copy):
            os.chmod(root, 0o755)
    return target


def _check_reachable(path: Path, user: pwd.struct_passwd) -> None:
    """PostgreSQL runs as another user when we are root: every parent folder must let it through."""
    parent = _blocking_parent(path, user)
    if parent is not None:
        raise ClusterError(
            f"PostgreSQL runs as the `{user.pw_name}` user (it refuses to run as root), and it cannot enter "
            f"{parent}; set ORICOL_DATA_DIR to a folder it can reach (e.g. /var/lib/oricol) or run "
            "oricol as an ordinary user")


@dataclass
class Cluster:
    pg_dir: Path
    socket_dir: Path
    port: int
    bindir: Path | None = None
    extra_settings: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.bindir = self.bindir or find_bindir()
        self.user = _run_as()
        if self.user is not None:
            self.pg_dir.parent.mkdir(parents=True, exist_ok=True)
            self.bindir = _reachable_bindir(self.bindir, self.user, self.pg_dir.parent)
        if len(str(self.socket_dir)) > SOCKET_PATH_MAX:
            self.socket_dir = Path(tempfile.mkdtemp(prefix="oricol-pg-"))

    # -- commands -----------------------------------------------------------------------------------
    def _cmd(self, name: str, *args: str, check: bool = True, timeout: float = 120,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None  # __post_init__ found it
        kwargs: dict[str, Any] = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", **(env or {})}
        result = subprocess.run([str(self.bindir / name), *args], capture_output=True, text=True,
                                timeout=timeout, env=env, cwd="/", **kwargs)
        if check and result.returncode != 0:
            raise ClusterError(f"{name} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
        return result

    @property
    def initialised(self) -> bool:
        return (self.pg_dir / "PG_VERSION").is_file()

    @property
    def log_file(self) -> Path:
        return self.pg_dir / "server.log"

    def url(self, password: str, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{database}?host={self.socket_dir}&port={self.port}"

    def init(self, password: str) -> None:
        """initdb: UTF-8, a superuser with `password`, scram on TCP, trust on the private socket."""
        self.pg_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.pg_dir, 0o700)
        if self.user is not None:
            _check_reachable(self.pg_dir, self.user)
        with tempfile.NamedTemporaryFile("w", delete=False, dir=self.pg_dir.parent, prefix=".pw") as pwfile:
            pwfile.write(password + "\n")
        try:
            if self.user is not None:
                _chown_tree(self.pg_dir, self.user)
                os.chown(pwfile.name, self.user.pw_uid, self.user.pw_gid)
            self._cmd("initdb", "-D", str(self.pg_dir), "-U", SUPERUSER, f"--pwfile={pwfile.name}",
                      "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
                      "--no-instructions")
        finally:
            os.unlink(pwfile.name)
        settings = {**SERVER_SETTINGS, **(self.extra_settings or {})}
        with open(self.pg_dir / "postgresql.auto.conf", "a") as conf:
            conf.write("# written by oricol on first start\n")
            for key, value in settings.items():
                conf.write(f"{key} = {value}\n")
        # Replication over TCP with a password, for `pg_basebackup -R` replicas and change capture.
        with open(self.pg_dir / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 scram-sha-256\n")

    def _clear_stale_pid(self) -> None:
        pid_file = self.pg_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, 0)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"postgres" in cmdline:
                return  # really running; pg_ctl will say so
        except (ValueError, IndexError, ProcessLookupError, FileNotFoundError, PermissionError):
            pass
        pid_file.unlink(missing_ok=True)

    def start(self, timeout: float = 60, settings: dict[str, str] | None = None) -> None:
        """Starts the server; `settings` override postgresql.conf for this run only (e.g. max_connections)."""
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            os.chown(self.socket_dir, self.user.pw_uid, self.user.pw_gid)
        self._clear_stale_pid()
        if self.running():
            return
        options = f"-p {self.port} -k {self.socket_dir}"
        options += "".join(f" -c {name}={value}" for name, value in (settings or {}).items())
        result = self._cmd("pg_ctl", "start", "-w", "-t", str(int(timeout)), "-D", str(self.pg_dir),
                           "-l", str(self.log_file), "-o", options, check=False, timeout=timeout + 10)
        if result.returncode != 0:
            tail = self.log_tail()
            raise ClusterError(f"PostgreSQL did not start: {result.stderr.strip()}\n{tail}")

    def running(self) -> bool:
        if not (self.pg_dir / "postmaster.pid").exists():
            return False
        return self._cmd("pg_ctl", "status", "-D", str(self.pg_dir), check=False).returncode == 0

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pg_dir / "postmaster.pid").read_text().splitlines()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def stop(self, mode: str = "fast", timeout: float = 60) -> None:
        if not self.running():
            return
        result = self._cmd("pg_ctl", "stop", "-w", "-t", str(int(timeout)), "-D", str(self.pg_dir), "-m", mode,
                           check=False, timeout=timeout + 10)
        if result.returncode != 0 and self.running():
            pid = self.postmaster_pid()
            if pid:
                os.kill(pid, signal.SIGQUIT)
                time.sleep(1)

    def make_replica(self, target: Path, port: int, password: str) -> "Cluster":
        """A streaming replica of this running cluster (`pg_basebackup -R`), not yet started."""
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(target, 0o700)
        if self.user is not None:
            _chown_tree(target, self.user)
        self._cmd("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-D", str(target),
                  "-R", "-X", "stream", "-c", "fast", env={"PGPASSWORD": password}, timeout=300)
        return Cluster(pg_dir=target, socket_dir=target.parent / f"run-{port}", port=port, bindir=self.bindir)

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def generate_password() -> str:
    return secrets.token_urlsafe(24)
