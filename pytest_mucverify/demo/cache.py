"""``--site=demo``: the demo site built once into a cache folder and reused while the generator
and its options are unchanged."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from pathlib import Path

from .world import DemoOptions


def generator_fingerprint() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted([*package.glob("*.py"), *package.parent.joinpath("dfos").glob("*.py")]):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cached_demo_site(cache_root: Path, phase: str = "operational") -> Path:
    """site.toml of the cached demo site for this phase; built under a lock when missing."""
    from .build import build_demo_site

    options = DemoOptions(phase=phase)
    key = hashlib.sha256(f"{generator_fingerprint()}|{options}".encode()).hexdigest()[:16]
    target = cache_root / f"demo-{phase}-{key}"
    site = target / "site.toml"
    if site.exists():
        return site
    cache_root.mkdir(parents=True, exist_ok=True)
    with open(cache_root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if site.exists():
            return site
        for stale in cache_root.glob(f"demo-{phase}-*"):
            shutil.rmtree(stale, ignore_errors=True)
        scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_root))
        try:
            build_demo_site(scratch / "site", options)
            (scratch / "site").rename(target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return site
