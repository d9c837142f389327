"""The JSON documents of this tree against another tree's (main before a change): byte for byte.

    python bench/same_output.py OTHER_TREE [--backend durable|reference] [--keep DIR]

Runs a fixed list of commands (whatif, whatif --tier all, history, audit, trade, run) in one process per
tree, each tree's engine on its own import path, and reports every document that differs. Used as the
acceptance test of engine changes that must not change any answer (the evaluation cache, the process
split). Exits 1 if any document differs."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

COMMANDS = [
    "whatif MYS 2015 --tier 3",
    "whatif MYS 2015 --tier 2WL",
    "whatif MYS 2015 --tier all",
    "whatif MYS 2015 --tier 3 --on 2016-02-04",
    "whatif MYS 2015 --tier 3 --decide presidential_determination=d4_full_waiver",
    "whatif CUB 2019 --tier 2WL --option waiver_transition=fresh_start_2019",
    "whatif ZZA 2013 --tier 2WL --set 2009=2WL --set 2010=2WL --set 2011=2WL --set 2012=2WL",
    "whatif ZZA 2021 --tier 2WL --set 2009-2012=2WL --set 2013=3 --set 2014-2020=2WL",
    "whatif AGO 2020 --tier 2WL",
    "whatif AGO 2020 --tier all",
    "whatif RUS 2013 --tier 2WL --waiver granted",
    "whatif THA 2016 --tier 3 --option special_rule_f_history=literal",
    "whatif GMB 2021 --tier 2WL",
    "whatif VEN 2010 --tier 2WL --forward 12",
    "whatif SSD 2019 --tier 1",
    "whatif AGO 2020 --tier 2WL --option probable_lists=partial --option special_rule_f_subsequently=immediately",
    "whatif MYS 2022 --tier all --option special_rule_f_history=literal",
    "history MYS",
    "history AGO",
    "history GMB",
    "history CUB --option waiver_transition=fresh_start_2019",
    "history THA",
    "history SSD",
    "history AGO --option probable_lists=partial",
    "audit --format json",
    "audit --from 2019 --option special_rule_f_history=literal",
    "audit --from 2017 --to 2021 --option probable_lists=partial",
    "audit --from 2014 --to 2017 --explain",
    "audit MYS THA RUS CHN --option special_rule_f_run=with_a_waiver_year --option special_rule_f_reach=next_stint_only",
    "audit --from 2008 --to 2010 --option waiver_transition=fresh_start_2019",
    "trade --agreement TPP --on 2015-10-05",
    "trade --agreement TPP --on 2016-02-04",
    "trade MYS THA VNM --on 2019-07-01",
    "trade CUB --on 2021-01-01",
    "trade --agreement TPP --on 2016-02-04 --option special_rule_f_history=literal",
    "run scenarios/2015-disputes.yaml",
    "run scenarios/malaysia-2015-tpp.yaml",
    "run scenarios/watch-list-trajectory-2019.yaml",
]


def documents(backend: str, extra: list) -> None:
    """(In a child whose import path holds one tree) print one line per command: command, then the sha256
    of its output and its exit code; with --keep, write each output to a file."""
    from tierlaw.cli import main
    keep = Path(extra[0]) if extra else None
    for index, command in enumerate(COMMANDS):
        argv = command.split() + ["--format", "json", "--backend", backend]
        out = io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            try:
                main(argv)
            except SystemExit as done:
                code = done.code or 0
        text = out.getvalue()
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"{index:02d}.json").write_text(text)
        print(json.dumps([command, hashlib.sha256(text.encode()).hexdigest(), code, len(text)]))


def run_tree(tree: Path, backend: str, keep: Path | None) -> list:
    env_path = str(tree / "engine")
    code = (f"import sys; sys.path.insert(0, {env_path!r}); sys.path.insert(1, {str(HERE)!r}); "
            f"import same_output; same_output.documents({backend!r}, {[str(keep)] if keep else []!r})")
    done = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr[-2000:]}")
    return [json.loads(line) for line in done.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other tree (a checkout of main)")
    parser.add_argument("--backend", default="durable")
    parser.add_argument("--keep", type=Path, help="write both trees' documents under this directory")
    args = parser.parse_args()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="same-output-"))
    mine = run_tree(HERE.parent, args.backend, keep / "this")
    theirs = run_tree(args.other.resolve(), args.backend, keep / "other")
    differ = [a[0] for a, b in zip(mine, theirs) if a[1:] != b[1:]]
    for (command, _, code, size) in mine:
        print(f"{'DIFFERS' if command in differ else 'same   '} {size:>10,} bytes  exit {code}  {command}")
    print(f"{len(mine) - len(differ)} of {len(mine)} documents identical ({args.backend}); outputs in {keep}")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
