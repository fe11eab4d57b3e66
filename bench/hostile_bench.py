"""Hostile files benchmark (run on demand; figures are printed, nothing is asserted).

    .venv/bin/python bench/hostile_bench.py

Builds the hostile corpus of the test suite (tests/fixtures/hostile.py: the shapes of issue 10
and the bombs refused before) and parses each file as the server does, in the sandbox
(reports.parsers.sandbox), each in a fresh process so that its figures are its own. Prints per
file its size, the seconds parse_untrusted took, the peak resident memory of the parsing child
(which starts with the pages it shares with its parent: Django and the parsers, about 60 MB),
and the outcome.

Target (issue 10): every hostile file ends in ≤ 30 s and ≤ 1 GB.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinfo.settings")


def parse_one(path):
    """Runs in its own process: parses one file in the sandbox, prints one JSON line."""
    import django

    django.setup()
    from reports.parsers import ParseError
    from reports.parsers.sandbox import parse_untrusted

    data = Path(path).read_bytes()
    name = Path(path).name
    started = time.perf_counter()
    try:
        shape = parse_untrusted(data, name)
        outcome = f"报告：{shape.agency}，{shape.year} 年"
    except ParseError as exc:
        outcome = f"拒绝：{exc}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": peak}, ensure_ascii=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parse", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse:
        return parse_one(args.parse)
    import django

    django.setup()
    from tests.fixtures.hostile import CORPUS

    folder = Path(tempfile.mkdtemp())
    print("文件 | 大小 | 用时 | 解析子进程峰值内存 | 结果")
    for name, (build, _) in CORPUS.items():
        path = folder / name
        path.write_bytes(build())
        command = [sys.executable, __file__, "--parse", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{name}: 失败\n{done.stderr[-2000:]}")
            continue
        f = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{name} | {path.stat().st_size / 1024:.0f} KB | {f['seconds']:.2f} 秒 | "
            f"{f['peak_mb']:.0f} MB | {f['outcome']}"
        )
        path.unlink()


if __name__ == "__main__":
    main()
