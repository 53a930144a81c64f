"""A lock between the test processes of one machine (pytest-xdist's workers), for the few steps that
write into the checkout itself: installing node packages and building the web bundle."""
from __future__ import annotations

import fcntl
import hashlib
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Held while one process changes `folder`; the others wait, then find the work done.
    The lock file lives in the temp folder (named by the folder's path) so the checkout stays clean."""
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"oricol-test-{digest}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield
