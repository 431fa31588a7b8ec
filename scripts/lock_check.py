"""Fails when a pin in requirements.txt or requirements-dev.txt is missing from its lock, or locked at
another version: someone changed the requirements without `make lock`. Content, not file times (a
git checkout gives every file the same time)."""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]
PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#\\]+)", re.M)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main() -> int:
    stale = []
    for source, lock in PAIRS:
        if not (ROOT / lock).exists():
            stale.append(f"{lock} is missing")
            continue
        locked = {normal(name): version for name, version in PIN.findall((ROOT / lock).read_text())}
        for name, version in PIN.findall((ROOT / source).read_text()):
            if locked.get(normal(name)) != version:
                stale.append(f"{source} pins {name}=={version}, {lock} has {locked.get(normal(name), 'nothing')}")
    if stale:
        print("The lock files do not match the requirements; run `make lock` (and commit the .lock files):",
              *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
