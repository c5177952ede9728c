"""Release edition files: pin the content hash of every shipped edition version in released.json.

Run `python -m scr_eligibility.criteria.release` from a development checkout (an editable install) after
adding a NEW edition version file. A released file is never edited: if one has changed, this refuses, and
the change must ship as a new version instead.
"""

from __future__ import annotations

import json
import sys

from .catalogue import RELEASED_FILE, all_editions, released_hashes


def pin() -> list[str]:
    """Pin every shipped edition not yet released; refuse if a released one has changed. Returns what was pinned."""
    pinned = dict(released_hashes())
    shipped = {e.ref: e.content_hash for e in all_editions()}
    changed = [ref for ref, digest in pinned.items() if ref in shipped and shipped[ref] != digest]
    if changed:
        raise SystemExit(f"released editions changed: {', '.join(changed)}; ship a new version file instead")
    added = sorted(set(shipped) - set(pinned))
    pinned.update({ref: shipped[ref] for ref in added})
    RELEASED_FILE.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    released_hashes.cache_clear()
    return added


if __name__ == "__main__":
    added = pin()
    print("pinned: " + (", ".join(added) if added else "nothing new"), file=sys.stderr)
