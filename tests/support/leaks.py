"""What no error body may contain, whatever the request: a traceback, a source path, the statement
text we build, or a driver's name. The fuzz tests check every answer against it."""
from __future__ import annotations

import re

# Never produced by a fuzzer's alphabet (they are checked in answers to generated requests), but
# present in what a leaked traceback, statement or driver error would carry.
LEAKS = re.compile(r"Traceback|File \"|\.py\b|/work/|site-packages|asyncpg|_pgrst_|json_agg|set_config|"
                   r"request\.jwt|coalesce\(|starlette|uvicorn", re.IGNORECASE)


def assert_clean(response) -> None:
    """No 5xx, and no internals in the body."""
    assert response.status_code < 500, (response.status_code, response.request.url, response.text[:500])
    found = LEAKS.search(response.text)
    assert found is None, (found.group(0), response.request.url, response.text[:500])
