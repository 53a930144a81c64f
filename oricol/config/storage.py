"""Configuration of the storage service, read from ORICOL_STORAGE_* variables.

Where object bytes live (the local disk under the data dir, or an S3-compatible store), the global
upload limit, the image-transform limits and the lifetimes of signed URLs and resumable uploads.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .env import ConfigError, Env

BACKENDS = ("disk", "s3")


@dataclass(frozen=True)
class StorageConfig:
    backend: str
    root: Path                       # local bytes (disk backend), staging, resumable uploads, render cache
    file_size_limit: int             # global maximum object size in bytes
    s3_bucket: str | None
    s3_endpoint: str | None
    s3_region: str
    s3_access_key: str | None
    s3_secret_key: str | None
    s3_prefix: str
    s3_force_path_style: bool
    transform_enabled: bool
    transform_max_input_pixels: int  # decoded pixels above this are refused (decompression bombs)
    transform_max_dimension: int     # largest width or height a client may ask for
    transform_max_input_bytes: int   # larger source files are not decoded at all
    transform_workers: int
    signed_url_max_expiry: int       # seconds
    signed_upload_expiry: int        # seconds, as Supabase: two hours
    resumable_expiry: int            # seconds an abandoned resumable upload is kept

    @classmethod
    def from_env(cls, env: Env, core: "CoreConfig") -> "StorageConfig":
        backend = env.choice("ORICOL_STORAGE_BACKEND", "disk", BACKENDS)
        config = cls(
            backend=backend,
            root=env.path("ORICOL_STORAGE_DIR", core.data_dir / "storage").resolve(),
            file_size_limit=env.int("ORICOL_STORAGE_FILE_SIZE_LIMIT", 50 * 1024 * 1024, min=1),
            s3_bucket=env.opt("ORICOL_STORAGE_S3_BUCKET"),
            s3_endpoint=env.opt("ORICOL_STORAGE_S3_ENDPOINT"),
            s3_region=env.str("ORICOL_STORAGE_S3_REGION", "us-east-1"),
            s3_access_key=env.opt("ORICOL_STORAGE_S3_ACCESS_KEY"),
            s3_secret_key=env.opt("ORICOL_STORAGE_S3_SECRET_KEY"),
            s3_prefix=env.str("ORICOL_STORAGE_S3_PREFIX", "").strip("/"),
            s3_force_path_style=env.bool("ORICOL_STORAGE_S3_FORCE_PATH_STYLE", True),
            transform_enabled=env.bool("ORICOL_STORAGE_TRANSFORM_ENABLED", True),
            transform_max_input_pixels=env.int("ORICOL_STORAGE_TRANSFORM_MAX_INPUT_PIXELS", 50_000_000, min=1),
            transform_max_dimension=env.int("ORICOL_STORAGE_TRANSFORM_MAX_DIMENSION", 5000, min=1),
            transform_max_input_bytes=env.int("ORICOL_STORAGE_TRANSFORM_MAX_INPUT_BYTES", 50 * 1024 * 1024, min=1),
            transform_workers=env.int("ORICOL_STORAGE_TRANSFORM_WORKERS", 2, min=1, max=64),
            signed_url_max_expiry=env.int("ORICOL_STORAGE_SIGNED_URL_MAX_EXPIRY", 10 * 365 * 24 * 3600, min=1),
            signed_upload_expiry=env.int("ORICOL_STORAGE_SIGNED_UPLOAD_EXPIRY", 2 * 3600, min=1),
            resumable_expiry=env.int("ORICOL_STORAGE_RESUMABLE_EXPIRY", 24 * 3600, min=1),
        )
        if backend == "s3" and not config.s3_bucket:
            raise ConfigError("ORICOL_STORAGE_S3_BUCKET is not set (needed when ORICOL_STORAGE_BACKEND=s3)")
        return config


from .core import CoreConfig  # noqa: E402  (type name used in annotations only)
