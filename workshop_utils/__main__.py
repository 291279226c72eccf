"""Command line: python -m workshop_utils download --to FOLDER (the data, stopwords and weights for
a day with no network). The maintainers' commands are in the repository: python -m tools."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import WorkshopError


def download(arguments) -> None:
    from . import data, files, stopwords

    folder = files.folder_argument(arguments.to, "--to")
    dataset = data.save_local_copy(folder, arguments.data_dir)
    nltk_folder = stopwords.save_stopwords(folder / "nltk_data")
    print(f"Saved the data to {dataset} and NLTK stopwords to {nltk_folder}.")
    save_weights(dataset)
    print("To use them with no network, set before starting Jupyter:")
    print(f"  export WORKSHOP_DATA_DIR={dataset}")
    print(f"  export NLTK_DATA={nltk_folder}")


def save_weights(dataset: Path, base_url: str | None = None) -> Path | None:
    """Notebook 05's pretrained image weights, next to the data: found there with no network."""
    from . import config, images

    if config.current().offline:
        print("Pretrained weights not fetched (WORKSHOP_OFFLINE=1): notebook 05 will train its CNN from scratch.")
        return None
    try:
        path = images.save_pretrained_weights(dataset / images.WEIGHTS_FOLDER,
                                              base_url=base_url or images.MOBILENET_V2_WEIGHTS_URL)
    except OSError as error:
        print(f"Pretrained weights not fetched ({str(error)[:100]}): notebook 05 will train its CNN from scratch.")
        return None
    print(f"Saved the pretrained image weights (MobileNetV2, ImageNet) to {path}.")
    return path


def run_command(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse and run one command; a failure the user can fix is one line on stderr and exit code 1."""
    arguments = parser.parse_args(argv)
    try:
        arguments.run(arguments)
    except WorkshopError as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a path the user gave that no check foresaw: still one line
        print(f"{type(error).__name__}: {error}; check the paths given and run this again.", file=sys.stderr)
        return 1
    return 0


MAINTAINER_COMMANDS = ("notebooks", "repoint", "colab-constraints", "minimum-constraints", "slides", "answer-key")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in MAINTAINER_COMMANDS:
        print(f"`{argv[0]}` is a maintainers' command: run `python -m tools {' '.join(argv)}` in a clone of the "
              "repository (the installed package has only `download`).", file=sys.stderr)
        return 1
    parser = argparse.ArgumentParser(prog="python -m workshop_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("download", help="save the data and NLTK stopwords to a folder for offline use")
    fetch.add_argument("--to", required=True, help="destination folder (a USB stick, say)")
    fetch.add_argument("--data-dir", default=None, help="copy from this local copy instead of downloading")
    fetch.set_defaults(run=download)
    return run_command(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
