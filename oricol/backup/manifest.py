"""`manifest.json`: what a backup holds (versions, sizes, SHA-256 of every file) and its verification.

A restore trusts nothing it has not checked: every file the manifest names must exist with its size
and checksum, and no object file may be missing, before anything in the installation is touched.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

FORMAT = 1
NAME = "manifest.json"
CHUNK = 1024 * 1024


class BackupInvalid(RuntimeError):
    """The backup cannot be used; the message lists what is wrong."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_file(folder: Path, relative: str) -> dict:
    path = folder / relative
    return {"path": relative, "size": path.stat().st_size, "sha256": sha256_of(path)}


def write(folder: Path, manifest: dict) -> None:
    """Written last, through a rename: a backup without a manifest is an unfinished one."""
    temp = folder / (NAME + ".tmp")
    with open(temp, "w") as handle:
        json.dump(manifest, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, folder / NAME)


def read(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / NAME).read_text())
    except FileNotFoundError:
        raise BackupInvalid(f"{folder} has no {NAME}: not a backup, or an unfinished one") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupInvalid(f"{folder / NAME} is not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise BackupInvalid(f"{folder / NAME} is not a format-{FORMAT} Oricol backup manifest")
    return manifest


@dataclass(frozen=True)
class Verified:
    manifest: dict
    files: int
    bytes: int


def verify(folder: Path, progress: Callable[[int, int], None] | None = None) -> Verified:
    """Checks every file against the manifest; raises BackupInvalid naming each problem."""
    manifest = read(folder)
    problems: list[str] = []
    total = 0
    listed = set()
    for index, entry in enumerate(manifest["files"], 1):
        relative = str(entry.get("path", ""))
        listed.add(relative)
        path = (folder / relative).resolve()
        if not relative or folder.resolve() not in path.parents:
            problems.append(f"{relative!r}: a path outside the backup")
            continue
        if not path.is_file():
            problems.append(f"{relative}: missing")
            continue
        if path.stat().st_size != entry.get("size"):
            problems.append(f"{relative}: size {path.stat().st_size}, the manifest says {entry.get('size')}")
            continue
        if sha256_of(path) != entry.get("sha256"):
            problems.append(f"{relative}: SHA-256 does not match the manifest")
            continue
        total += entry["size"]
        if progress:
            progress(index, len(manifest["files"]))
    for required in (manifest.get("database", {}).get("dump"), manifest.get("database", {}).get("roles")):
        if required not in listed:
            problems.append(f"the manifest does not list the file {required!r}")
    for item in manifest.get("objects", []):
        if item.get("file") not in listed:
            problems.append(f"object {item.get('id')} has no checksummed file")
    if problems:
        shown = "\n  ".join(problems[:20]) + (f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise BackupInvalid(f"backup {folder} failed verification:\n  {shown}")
    return Verified(manifest=manifest, files=len(manifest["files"]), bytes=total)
