"""The maintainers' tools: student copies, slide decks, constraints, the answer key.

They run in a clone of the repository (`python -m tools COMMAND`) and are never installed: a
learner's `pip install` carries only `workshop_utils`, what the notebooks import.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the clone's top folder


def kernel_path() -> str:
    """PYTHONPATH for a kernel these tools start: `tools` importable from a deck or a recorded run."""
    import os

    return os.pathsep.join(part for part in (str(ROOT), os.environ.get("PYTHONPATH", "")) if part)
