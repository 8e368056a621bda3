#!/usr/bin/env python3
"""Per-module cell counts from yosys `stat -json` of a non-flattened synth_ice40
run (boards.mk's `make area`): each module's own cells, how many times it is
instantiated, and the totals it accounts for. Python 3 standard library only."""
import json
import sys

KINDS = [("LUT4", lambda t: t == "SB_LUT4"), ("CARRY", lambda t: t == "SB_CARRY"),
         ("FF", lambda t: t.startswith("SB_DFF")), ("EBR", lambda t: t.startswith("SB_RAM40")),
         ("DSP", lambda t: t == "SB_MAC16"), ("SPRAM", lambda t: t == "SB_SPRAM256KA")]


def main(path):
    txt = open(path).read()
    txt = txt[txt.index("{"):]
    try:
        j = json.loads(txt)
    except json.JSONDecodeError as e:
        # yosys 0.23 prints the hierarchy tree inside the JSON after "modules": cut it off
        j = json.loads(txt[:e.pos].rstrip().rstrip(",") + "}")
    def norm(n):   # module names carry yosys's leading backslash, cell types may not
        return n.lstrip("\\")
    mods = {norm(k): v for k, v in j["modules"].items()}
    own = {}
    subs = {}
    for name, m in mods.items():
        cells = m.get("num_cells_by_type", {})
        own[name] = {k: sum(v for t, v in cells.items() if f(norm(t))) for k, f in KINDS}
        subs[name] = {norm(t): v for t, v in cells.items() if norm(t) in mods}
    # instance counts from the top (the module nobody instantiates)
    inst = {n: 0 for n in mods}
    tops = [n for n in mods if not any(n in s for s in subs.values())]

    def walk(n, k):
        inst[n] += k
        for c, v in subs[n].items():
            walk(c, k * v)
    for t in tops:
        walk(t, 1)
    rows = sorted(mods, key=lambda n: -inst[n] * own[n]["LUT4"])
    tot = {k: sum(inst[n] * own[n][k] for n in mods) for k, _ in KINDS}
    print("%-60s %5s  %s" % ("module (own cells, x instances = total)", "inst",
                             "  ".join("%11s" % k for k, _ in KINDS)))
    for n in rows:
        if not inst[n]:
            continue
        short = n.replace("$paramod", "")
        short = short if len(short) <= 60 else short[:28] + "..." + short[-29:]
        print("%-60s %5d  %s" % (short, inst[n], "  ".join(
            "%11s" % ("%d=%d" % (own[n][k], inst[n] * own[n][k]) if own[n][k] else "-")
            for k, _ in KINDS)))
    print("%-60s %5s  %s" % ("TOTAL", "", "  ".join("%11d" % tot[k] for k, _ in KINDS)))


if __name__ == "__main__":
    main(sys.argv[1])
