"""What a notebook may show in red: progress bars and the workshop's own warnings, nothing else (no
C++ runtime log, no library's warning). conftest.py applies this to every cell nbval executes."""
from __future__ import annotations

import re

# tqdm: " 40%|████      | 2/5 [00:01<00:02, 1.9it/s]", or "7.00it [00:01, 5.1it/s]" without a total.
PROGRESS_BAR = re.compile(r"\d+%\|.*\||\[\d+:\d\d(?::\d\d)?(?:<|, )")
# A warning raised in workshop_utils: "/.../workshop_utils/data.py:307: UserWarning: The cached ..."
WORKSHOP_WARNING = re.compile(r"^\S*workshop_utils[/\\]\S+\.py:\d+: \w*Warning: ")


def unexpected_stderr(outputs) -> list[str]:
    """The stderr lines of a cell's outputs that are neither a progress bar nor the workshop's own."""
    unexpected = []
    for output in outputs:
        if output.get("output_type") != "stream" or output.get("name") != "stderr":
            continue
        in_warning = False
        for line in re.split(r"[\r\n]", output["text"]):
            if WORKSHOP_WARNING.match(line):
                in_warning = True
            elif in_warning and line.startswith("  "):
                pass  # the source line Python prints under a warning
            else:
                in_warning = False
                if line.strip() and not PROGRESS_BAR.search(line):
                    unexpected.append(line)
    return unexpected
