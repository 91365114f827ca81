#!/usr/bin/env python3
"""reduce.py — shrinks a failing differential-test program (tests/diff/README.md).

Usage: reduce.py NORMA DIR
DIR holds prog.norma and prog.lp as written by norma_diffgen (run.sh keeps them for
every failing seed). Facts and rules are removed, from both files together, while
the failure stays of the same kind (`norma run` fails with the same first error
line, or the two answers differ). Writes DIR/min.norma and DIR/min.lp and prints
the reduced Norma program with both answers.
"""
import os
import re
import subprocess
import sys
import tempfile


def clingo_atoms(lp_text):
    with tempfile.NamedTemporaryFile("w", suffix=".lp", delete=False) as f:
        f.write(lp_text)
        path = f.name
    try:
        r = subprocess.run(["clingo", "--outf=0", "-V0", "--warn=none", path],
                           capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(path)
    if r.returncode not in (10, 30):
        return None
    line = r.stdout.split("\n", 1)[0]
    if line == "SATISFIABLE":
        line = ""
    return sorted(set(line.split()))


def norma_atoms(norma, text):
    with tempfile.NamedTemporaryFile("w", suffix=".norma", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        r = subprocess.run([norma, "run", path], capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(path)
    if r.returncode != 0:
        errs = [l for l in r.stderr.splitlines() if ": error: " in l or "Sanitizer" in l]
        first = re.sub(r"^\S+:\d+:\d+: ", "", errs[0]) if errs else ""
        first = re.sub(r"'\w+'", "'_'", first)
        return ("fail", r.returncode, first)
    atoms = [l.replace(" ", "").replace("()", "") for l in r.stdout.splitlines() if l.strip()]
    return sorted(set(atoms))


def outcome(norma, units, keep):
    ntext = "".join(u[0] for u, k in zip(units, keep) if k)
    ltext = "".join(u[1] for u, k in zip(units, keep) if k)
    n = norma_atoms(norma, ntext)
    if isinstance(n, tuple):
        return n
    c = clingo_atoms(ltext)
    if c is None:
        return ("clingo-fail",)
    return "same" if n == c else "mismatch"


def split_units(ntext, ltext):
    """Pairs Norma and clingo text into removable units: the header (declarations) is
    fixed; each fact line and each rule (with its clingo lines tagged `% rN`, and the
    aux lines just before them) is one unit."""
    nlines = ntext.splitlines(True)
    llines = ltext.splitlines(True)
    header = [l for l in nlines if l.startswith(("#", "type ", "pred "))]
    nfacts = [l for l in nlines if re.match(r"^a\d+\(", l)]
    nrules = [l for l in nlines if l.startswith("rule ")]
    lfacts = [l for l in llines if re.match(r"^a\d+\(", l)]
    shows = [l for l in llines if l.startswith(("#show", "%"))]
    lrules = {}
    pending = []
    for l in llines:
        if l in lfacts or l in shows:
            continue
        m = re.search(r"% (r\d+)$", l.rstrip())
        if m:
            lrules.setdefault(m.group(1), []).extend(pending + [l])
            pending = []
        else:
            pending.append(l)
    units = [("".join(header), "".join(shows))]
    fixed = [True]
    for nf in nfacts:
        key = nf.strip().replace(" ", "") + "."
        lf = next((l for l in lfacts if l.strip() == key), "")
        units.append((nf, lf))
        fixed.append(False)
    for nr in nrules:
        label = nr.split()[1].rstrip(":")
        units.append((nr, "".join(lrules.get(label, []))))
        fixed.append(False)
    return units, fixed


def main():
    if len(sys.argv) != 3:
        print("usage: reduce.py NORMA DIR", file=sys.stderr)
        return 2
    norma, d = sys.argv[1], sys.argv[2]
    ntext = open(os.path.join(d, "prog.norma")).read()
    ltext = open(os.path.join(d, "prog.lp")).read()
    units, fixed = split_units(ntext, ltext)
    keep = [True] * len(units)
    target = outcome(norma, units, keep)
    if target == "same":
        print("reduce.py: the program does not fail", file=sys.stderr)
        return 1
    changed = True
    while changed:
        changed = False
        for i in reversed(range(len(units))):
            if fixed[i] or not keep[i]:
                continue
            keep[i] = False
            if outcome(norma, units, keep) == target:
                changed = True
            else:
                keep[i] = True
    mn = "".join(u[0] for u, k in zip(units, keep) if k)
    ml = "".join(u[1] for u, k in zip(units, keep) if k)
    open(os.path.join(d, "min.norma"), "w").write(mn)
    open(os.path.join(d, "min.lp"), "w").write(ml)
    print(mn, end="")
    print("--- failure:", target)
    n = norma_atoms(norma, mn)
    print("--- norma: ", n)
    print("--- clingo:", clingo_atoms(ml))
    return 0


if __name__ == "__main__":
    sys.exit(main())
