"""Wall time and peak memory of loading the data and of running each solution notebook.

    python benchmarks/run.py                          # load_products + every notebook, fast mode
    python benchmarks/run.py --mode full solutions/04_build_train_evaluate.ipynb
    python benchmarks/run.py --only-data              # load_products cold and cached
    python benchmarks/run.py --mode full --results results-full.json solutions/0[45]*.ipynb
                                                      # also the test metrics, and the claims below
    python benchmarks/run.py --mode full --results results-full.json --only-claims
                                                      # only check the claims on a results file

Each notebook runs in its own process (nbclient), so its peak memory is its own: the
largest resident set of the kernel, read from the operating system after it exits.
Prints a Markdown table; `--json FILE` also writes the numbers.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN_ONE_NOTEBOOK = """
import resource, sys, time, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
start = time.perf_counter()
NotebookClient(notebook, timeout=3600, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"RESULT {seconds:.1f} {peak_kib}")
"""

LOAD_DATA = """
import resource, sys, time
start = time.perf_counter()
from workshop_utils import data
shards = data.SHARDS
if len(sys.argv) > 1:  # fetch from this base URL instead of the public mirror
    shards = tuple(data.Shard(s.filename, sys.argv[1] + s.filename, s.rows) for s in shards)
products = data.load_products(shards=shards, progress=False)
seconds = time.perf_counter() - start
assert len(products) == 44072, len(products)
print(f"RESULT {seconds:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
"""


def measure(code: str, *arguments: str, environment: dict | None = None) -> tuple[float, float]:
    finished = subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True,
                              env=environment or os.environ.copy(), cwd=ROOT)
    if finished.returncode != 0:
        raise SystemExit(f"Failed ({' '.join(arguments) or 'data'}):\n{finished.stderr[-3000:]}")
    line = [row for row in finished.stdout.splitlines() if row.startswith("RESULT ")][-1]
    _, seconds, peak_kib = line.split()
    return float(seconds), int(peak_kib) / 1024


def data_rows() -> list[tuple[str, str, float, float]]:
    rows = []
    local = os.environ.get("WORKSHOP_DATA_DIR")
    seconds, peak = measure(LOAD_DATA)
    rows.append(("load_products()", f"local copy ({'WORKSHOP_DATA_DIR' if local else 'cache'})", seconds, peak))
    if local:
        # Cold: the cache is empty, so the files are copied in by `download --to`, then read.
        with tempfile.TemporaryDirectory() as folder:
            environment = os.environ.copy()
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "workshop_utils", "download", "--to", folder],
                           check=True, capture_output=True, cwd=ROOT)
            copy_seconds = time.perf_counter() - start
            environment["WORKSHOP_DATA_DIR"] = str(Path(folder) / "fashion-product-images-small")
            seconds, peak = measure(LOAD_DATA, environment=environment)
            rows.append(("download --to DIR", "copy of the local copy + stopwords", copy_seconds, float("nan")))
            rows.append(("load_products()", "fresh copy", seconds, peak))
        rows += download_rows(Path(local))
    return rows


def download_rows(local: Path) -> list[tuple[str, str, float, float]]:
    """Cold and cached loads through the real download code, from a server on 127.0.0.1."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(local / "data"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        with tempfile.TemporaryDirectory() as cache:
            # The download code itself is measured, from this machine: no local copy, downloads allowed.
            environment = {key: value for key, value in os.environ.items()
                           if key not in ("WORKSHOP_DATA_DIR", "WORKSHOP_OFFLINE")}
            environment["WORKSHOP_CACHE"] = cache
            seconds, peak = measure(LOAD_DATA, base, environment=environment)
            rows.append(("load_products()", "cold: download from 127.0.0.1, verify, cache", seconds, peak))
            seconds, peak = measure(LOAD_DATA, base, environment=environment)
            rows.append(("load_products()", "cached", seconds, peak))
    finally:
        server.shutdown()
    return rows


# What the workshop promises of its models, checked on the results file. Each claim:
# (what it says, the notebook that records its models, the modes in which it must hold, the check).
# A check returns (holds, the numbers that decide it); it reads the names from `evaluation`.
def _compare(better, worse, metric, ties_allowed=False):
    def check(results):
        difference = results[better][metric] - results[worse][metric]
        holds = difference >= 0 if ties_allowed else difference > 0
        return holds, f"{results[better][metric]:.4f} vs {results[worse][metric]:.4f}, {difference:+.4f}"
    return check, (better, worse)


def _at_least(name, metric, floor):
    def check(results):
        return results[name][metric] >= floor, f"{results[name][metric]:.4f}"
    return check, (name,)


def _interval_above(name, floor=0.0):
    """A paired comparison recorded by the notebook: its 95% interval lies above `floor`."""
    def check(results):
        entry = results[name]
        return entry["interval low"] > floor, (f"{entry['difference']:+.4f}, 95% interval "
                                               f"{entry['interval low']:+.4f} to {entry['interval high']:+.4f}")
    return check, (name,)


def _interval_reaches(name, floor=0.0):
    """A paired comparison whose 95% interval reaches `floor`: not measurably worse."""
    def check(results):
        entry = results[name]
        return entry["interval high"] >= floor, (f"{entry['difference']:+.4f}, 95% interval "
                                                 f"{entry['interval low']:+.4f} to {entry['interval high']:+.4f}")
    return check, (name,)


def _number_at_least(name, key, floor):
    def check(results):
        if key not in results[name]:  # e.g. no accuracy where a threshold accepted nothing
            return False, f"no {key} recorded"
        return results[name][key] >= floor, f"{results[name][key]:.4f}"
    return check, (name,)


def claims():
    from workshop_utils import evaluation as names

    both, full = ("fast", "full"), ("full",)
    return [
        ("full titles: the fusion model is not measurably worse than text (paired 95% interval reaches 0)",
         "05", both, *_interval_reaches(names.PAIRED_FULL)),
        ("short titles: the fusion model beats text trained on the same short titles (paired 95% interval > 0)",
         "05", both, *_interval_above(names.PAIRED_SHORT_FAIR)),
        ("short titles: text trained on short titles too beats the lookup, accuracy", "05", full,
         *_compare(names.TEXT_BOTH_SHORT, names.LOOKUP_SHORT, "accuracy")),
        ("short titles: the fusion model beats the photo alone (paired 95% interval > 0)", "05", full,
         *_interval_above(names.PAIRED_SHORT_PHOTO)),
        ("the right class among the fusion model's 3 suggestions >= 0.995", "06", full,
         *_number_at_least(names.FUSION_MODEL_TOP_K, "top 3", 0.995)),
        ("the guaranteed threshold's accepted test listings are >= 99% right", "06", full,
         *_number_at_least(names.GUARANTEED_THRESHOLD, "accuracy", 0.99)),
        ("rare article types: master category right >= 0.80", "06", full,
         *_at_least(names.FUSION_MODEL_RARE_TYPES_UP, "accuracy", 0.80)),
    ]


def report_results(path: Path, mode: str) -> bool:
    """The recorded test metrics as a table, then whether each claim holds. A claim whose notebook
    recorded results but whose model is missing from the file is a failure, not a skip.
    Returns False when a claim that must hold in this mode fails or cannot be checked."""
    results = json.loads(path.read_text())
    print("\n| model | notebook | accuracy | macro F1 | weighted F1 |\n|---|---|---:|---:|---:|")
    scored = {name: entry for name, entry in results.items() if "macro_f1" in entry}
    for name, entry in sorted(scored.items(), key=lambda item: (item[1]["notebook"], item[1]["macro_f1"])):
        print(f"| {name} | {entry['notebook'][:2]} | {entry['accuracy']:.3f} | {entry['macro_f1']:.3f} | "
              f"{entry['weighted_f1']:.3f} |")
    for name, entry in results.items():  # other measured numbers: comparisons, thresholds, top-k
        if name not in scored:
            print(f"\n{name} ({entry['notebook'][:2]}): " + ", ".join(
                f"{key} {value:.4f}" if isinstance(value, float) else f"{key} {value}"
                for key, value in entry.items() if key != "notebook"))
    notebooks = {entry["notebook"][:2] for entry in results.values()}
    print(f"\nWhat the workshop claims of its models ({mode} mode measured here):")
    all_well = True
    for claim, notebook, modes, check, needed in claims():
        if notebook not in notebooks:
            print(f"not run: {claim} (notebook {notebook} recorded nothing in {path.name})")
            continue
        missing = [name for name in needed if name not in results]
        if missing:
            print(f"MISSING: {claim}: notebook {notebook} recorded no {', '.join(map(repr, missing))}")
            all_well = False
            continue
        holds, numbers = check(results)
        must = mode in modes
        verdict = "holds" if holds else ("FAILS" if must else f"not in {mode} mode")
        all_well &= holds or not must
        print(f"{verdict}: {claim} ({numbers})")
    return all_well


def course_notebooks() -> list[Path]:
    """Every solution notebook, in the course manifest's order (tools/course.py)."""
    sys.path.insert(0, str(ROOT))  # run as a script: tools/ is not installed
    from tools import course

    return [ROOT / "solutions" / f"{entry.name}.ipynb" for entry in course.NOTEBOOKS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--mode", choices=["fast", "full"], default="fast")
    parser.add_argument("--only-data", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--results", type=Path, help="collect the notebooks' test metrics in this JSON file")
    parser.add_argument("--only-claims", action="store_true",
                        help="run nothing: read the --results file (e.g. a notebook run by hand) and check the claims")
    arguments = parser.parse_args()
    if arguments.only_claims:
        if not arguments.results or not arguments.results.exists():
            raise SystemExit("--only-claims needs --results FILE, a results file that exists.")
        if not report_results(arguments.results, arguments.mode):
            raise SystemExit("A claim failed or could not be checked (see above).")
        return
    if arguments.results:
        os.environ["WORKSHOP_RESULTS"] = str(arguments.results.resolve())
    rows = data_rows()
    if not arguments.only_data:
        os.environ["WORKSHOP_FAST"] = "1" if arguments.mode == "fast" else "0"
        for path in arguments.notebooks or course_notebooks():
            path = path.resolve()
            seconds, peak = measure(RUN_ONE_NOTEBOOK, str(path), str(path.parent))
            rows.append((path.name, f"{arguments.mode} mode", seconds, peak))
            print(f"{path.name}: {seconds:.0f} s, {peak:,.0f} MiB", file=sys.stderr, flush=True)
    print(f"\n{os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    print("| what | how | wall time (s) | peak memory (MiB) |\n|---|---|---:|---:|")
    for what, how, seconds, peak in rows:
        print(f"| {what} | {how} | {seconds:.1f} | {'' if peak != peak else f'{peak:,.0f}'} |")
    if arguments.json:
        arguments.json.write_text(json.dumps([dict(zip(["what", "how", "seconds", "peak_mib"], row))
                                              for row in rows], indent=2))
    if arguments.results:
        if not arguments.results.exists():
            raise SystemExit(f"No results in {arguments.results}: the notebooks recorded nothing.")
        if not report_results(arguments.results, arguments.mode):
            raise SystemExit("A claim failed or could not be checked (see above).")


if __name__ == "__main__":
    main()
