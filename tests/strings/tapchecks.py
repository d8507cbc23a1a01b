"""The TAP report the check-*.py scripts end with (no D-Bus, unlike
tests/integration/otauxtest.py)."""
import sys


def report(checks):
    """Prints @checks, a list of (ok, what), as TAP; exits 1 if any failed."""
    print(f'1..{len(checks)}')
    failed = 0
    for i, (ok, what) in enumerate(checks, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {what}')
        failed += not ok
    sys.exit(1 if failed else 0)
