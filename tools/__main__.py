"""The maintainers' commands: python -m tools COMMAND ... (notebooks, repoint, colab-constraints,
minimum-constraints, slides, answer-key, package-report). Run them in a clone of the repository."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workshop_utils.__main__ import run_command

def notebooks(arguments) -> None:
    from . import notebooks as generator

    if arguments.check:
        stale = generator.stale_files()
        if stale:
            names = ", ".join(str(path.relative_to(generator.ROOT)) for path in stale)
            raise SystemExit(f"Out of date: {names}. Run `python -m tools notebooks` and commit.")
        print("Student copies and solutions are up to date.")
        return
    changed = generator.build()
    print(f"{len(changed)} file(s) rewritten" + (": " + ", ".join(p.name for p in changed) if changed else "."))


def repoint(arguments) -> None:
    from . import notebooks as generator

    try:
        changed = generator.repoint(arguments.repository, ref=arguments.ref)
    except generator.NotebookSourceError as error:
        raise SystemExit(str(error)) from None
    target = f"{generator.course.REPOSITORY}@{generator.course.BRANCH}"
    print(f"Badges and install lines now point at {target} ({len(changed)} notebook files rewritten).")


def colab_constraints(arguments) -> None:
    from . import constraints

    out = constraints.write_colab_constraints(Path(arguments.freeze), Path(arguments.out))
    pinned = len(constraints.read_constraints(out))
    print(f"Wrote {out}: {pinned} packages at Colab's versions. Commit it with the freeze it came from.")


def minimum_constraints(arguments) -> None:
    from . import constraints

    out = constraints.write_minimum_constraints(Path(arguments.out))
    print(f"Wrote {out}: every runtime requirement at its declared floor.")


def slides(arguments) -> None:
    import time

    from workshop_utils import files
    from . import slides as decks

    started = time.perf_counter()
    out = files.folder_argument(arguments.out, "--out").resolve() if arguments.out else decks.SLIDES_DIR / "_build"
    built = decks.build(out, arguments.decks, offline=arguments.offline)
    print(f"Built {len(built)} deck(s) in {time.perf_counter() - started:.0f} s: open {out / 'index.html'}")
    if arguments.offline:
        print(f"reveal.js and MathJax are in {out / decks.VENDOR}: the folder presents with no network.")
    else:
        print("The decks load reveal.js and MathJax from the internet; add --offline for a copy that needs none.")


def answer_key(arguments) -> None:
    from . import answer_key as key

    if arguments.check:
        stale = key.stale()
        if stale:
            raise SystemExit(f"Out of date: {', '.join(path.name for path in stale)}. "
                             "Run `python -m tools answer-key --render` and commit.")
        print("The answer key and the exit questions are up to date.")
        return
    if not arguments.render:
        print(f"Wrote {key.record(arguments.mode, arguments.notebooks)}")
    for path in key.write():
        print(f"Wrote {path}")


def package_report(arguments) -> None:
    from . import package_report as wheel

    wheel.main(arguments.checkouts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    generate = commands.add_parser("notebooks", help="regenerate notebooks/ from solutions/")
    generate.add_argument("--check", action="store_true", help="only report files that are out of date")
    generate.set_defaults(run=notebooks)
    fork = commands.add_parser("repoint", help="point badges and install lines at another repository")
    fork.add_argument("repository", help="GitHub OWNER/NAME")
    fork.add_argument("--ref", default=None,
                      help="a tag or commit (or branch) to install the helper from and open the notebooks at, "
                           "e.g. the workshop day's tag v2026.12 (default: keep the current one, main)")
    fork.set_defaults(run=repoint)
    colab = commands.add_parser("colab-constraints",
                                help="write constraints/colab.txt from Colab's published pip freeze")
    colab.add_argument("freeze", help="the freeze file, e.g. constraints/colab-freeze.txt")
    colab.add_argument("--out", default=str(Path("constraints") / "colab.txt"), help="default: %(default)s")
    colab.set_defaults(run=colab_constraints)
    floors = commands.add_parser("minimum-constraints",
                                 help="write constraints/minimum.txt: every runtime requirement at its floor")
    floors.add_argument("--out", default=str(Path("constraints") / "minimum.txt"), help="default: %(default)s")
    floors.set_defaults(run=minimum_constraints)
    present = commands.add_parser("slides", help="build the slide decks (slides/*.ipynb) to reveal.js HTML")
    present.add_argument("--out", default=None, help="folder for the HTML (default: slides/_build in the checkout)")
    present.add_argument("--offline", action="store_true",
                         help="fetch reveal.js and MathJax from the npm registry into "
                              "OUT/_vendor so the decks present with no network")
    present.add_argument("decks", nargs="*", help="only these decks, by name or number (e.g. 00 03)")
    present.set_defaults(run=slides)
    answers = commands.add_parser("answer-key", help="run the solutions, record what every check receives, and "
                                                     "write slides/ANSWER_KEY.md and slides/EXIT_QUESTIONS.md")
    answers.add_argument("--mode", choices=["fast", "full"], default="fast", help="default: %(default)s")
    answers.add_argument("--render", action="store_true", help="run nothing: rewrite the files from the stored runs")
    answers.add_argument("--check", action="store_true", help="only report whether the files are up to date")
    answers.add_argument("notebooks", nargs="*", help="only these notebooks, by number (e.g. 04 05)")
    answers.set_defaults(run=answer_key)
    carried = commands.add_parser("package-report", help="the wheel a learner installs: size, files, import structure")
    carried.add_argument("checkouts", nargs="*", help="checkouts to report on (default: this one)")
    carried.set_defaults(run=package_report)
    return run_command(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
