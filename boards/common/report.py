#!/usr/bin/env python3
"""Board report: utilisation, Fmax by nextpnr and by icetime, MACs per cycle and
peak int8 GMAC/s for one board build. Reads build/<board>/ (what boards.mk's
bitstream rules leave there), prints a summary and writes report.json.

  report.py --board icebreaker --dir build/icebreaker --target-mhz 30 \
            --baud 6000000 --clock-hz 30000000 R=4 C=4 [NAME=VALUE ...] [--check]

NAME=VALUE: the tile parameters of the build (later ones win); R and C give
the MACs per cycle. --check: exit 1 unless the design fits and both timers
meet the target clock. Python 3 standard library only.
"""
import argparse
import json
import os
import re
import sys

MARLANN_GMACS = 0.4   # MARLANN on the same UP5K: 16 int8 MACs/cycle at 23-29 MHz

DEVICES = {
    "icebreaker": {"device": "iCE40UP5K-SG48", "icetime": "up5k",
                   "avail": {"logic_cells": 5280, "dsp": 8, "spram": 4, "ebr": 30}},
    "hx8k": {"device": "iCE40HX8K-CT256", "icetime": "hx8k",
             "avail": {"logic_cells": 7680, "dsp": 0, "spram": 0, "ebr": 32}},
}
# nextpnr-ice40 bel types -> report names
NEXTPNR_RES = {"ICESTORM_LC": "logic_cells", "ICESTORM_DSP": "dsp",
               "ICESTORM_SPRAM": "spram", "ICESTORM_RAM": "ebr",
               "SB_IO": "io", "ICESTORM_PLL": "pll", "SB_GB": "global_buffers"}


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def nextpnr_numbers(d):
    """(resources, fmax MHz or None, clock name) from nextpnr's --report JSON,
    or utilisation parsed from its log when place and route failed."""
    res, fmax, clk = {}, None, None
    rep = read(os.path.join(d, "nextpnr.json"))
    if rep:
        j = json.loads(rep)
        for k, v in j.get("utilization", {}).items():
            if k in NEXTPNR_RES:
                res[NEXTPNR_RES[k]] = {"used": v.get("used"), "available": v.get("available")}
        # the tile clock: the slowest constrained clock (there is one, the PLL output)
        for name, v in j.get("fmax", {}).items():
            a = v.get("achieved")
            if a is not None and (fmax is None or a < fmax):
                fmax, clk = a, name
        return res, fmax, clk
    log = read(os.path.join(d, "nextpnr.log")) or ""
    for m in re.finditer(r"(ICESTORM_\w+|SB_\w+):\s+(\d+)/\s*(\d+)", log):
        if m.group(1) in NEXTPNR_RES:
            res[NEXTPNR_RES[m.group(1)]] = {"used": int(m.group(2)), "available": int(m.group(3))}
    return res, None, None


def icetime_fmax(d):
    txt = read(os.path.join(d, "icetime.txt"))
    if not txt:
        return None, None
    m = re.search(r"Total path delay:\s*([\d.]+)\s*ns\s*\(([\d.]+)\s*MHz\)", txt)
    return (float(m.group(2)), float(m.group(1))) if m else (None, None)


def icetime_warnings(d):
    """icetime's warnings (e.g. a DSP or SPRAM configuration it has no timing data for)."""
    log = read(os.path.join(d, "icetime.log")) or ""
    return [l.strip("/ ").strip() for l in log.splitlines()
            if re.search(r"warn|unknown|unsupported|no timing", l, re.I)]


def yosys_cells(d):
    """Cell counts from yosys's stat -json (for a design that did not get placed)."""
    txt = read(os.path.join(d, "yosys_stat.json"))
    if not txt:
        return None
    try:
        j = json.loads(txt[txt.index("{"):])
    except (ValueError, json.JSONDecodeError):
        return None
    mods = j.get("modules", {})
    top = next((m for k, m in mods.items() if k.lstrip("\\").endswith("_top")), None)
    if top is None:
        top = j.get("design", {})
    return top.get("num_cells_by_type", {})


def first_error(d):
    for name in ("yosys.log", "nextpnr.log"):
        log = read(os.path.join(d, name)) or ""
        errs = [l.strip() for l in log.splitlines() if l.startswith("ERROR")]
        if errs:
            return "%s: %s" % (name.split(".")[0], errs[0])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--board", required=True, choices=sorted(DEVICES) + ["icebreaker-fp"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--target-mhz", type=float, required=True)
    ap.add_argument("--baud", type=int, default=0)
    ap.add_argument("--clock-hz", type=int, default=0)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("params", nargs="*", help="NAME=VALUE tile parameters (R, C, ...)")
    a = ap.parse_args()

    params = {}
    for p in a.params:
        k, _, v = p.partition("=")
        params[k] = v
    # a variant (boards.mk BOARD_VARIANTS, e.g. icebreaker-fp) is on its base board's device
    dev = DEVICES[a.board] if a.board in DEVICES else DEVICES[a.board.split("-")[0]]
    loopback = params.get("LOOPBACK", "0") not in ("0", "")
    rc = 0 if loopback else int(params.get("R", 0)) * int(params.get("C", 0))

    have_json = os.path.exists(os.path.join(a.dir, "%s_top.json" % a.board))
    have_asc = os.path.exists(os.path.join(a.dir, "%s.asc" % a.board))
    res, fmax_pnr, clk = nextpnr_numbers(a.dir)
    fmax_it, delay_it = icetime_fmax(a.dir) if have_asc else (None, None)
    for k, n in dev["avail"].items():
        res.setdefault(k, {"used": None, "available": n})
        if res[k].get("available") is None:
            res[k]["available"] = n

    fit = have_asc
    error = None if fit else (first_error(a.dir) or
                              ("synthesis did not run or failed" if not have_json
                               else "place and route failed"))
    yc = yosys_cells(a.dir) if have_json else None
    if res["logic_cells"]["used"] is None and yc:
        # rough: LUTs and carries share logic cells, flops pack with LUTs
        res["logic_cells"]["used_estimate_from_yosys_luts"] = yc.get("SB_LUT4", 0)
    met_pnr = fmax_pnr is not None and fmax_pnr >= a.target_mhz
    met_it = fmax_it is not None and fmax_it >= a.target_mhz
    lower = min(f for f in (fmax_pnr, fmax_it) if f is not None) \
        if (fmax_pnr is not None or fmax_it is not None) else None
    peak = rc * lower / 1000.0 if (lower and rc) else None
    at_clock = rc * a.clock_hz / 1e9 if (rc and a.clock_hz) else None
    ok = bool(fit and met_pnr and met_it)

    report = {
        "board": a.board, "device": dev["device"], "params": params,
        "fit": fit, "error": error,
        "resources": res,
        "yosys_cells": yc,
        "target_mhz": a.target_mhz,
        "fmax_mhz": {"nextpnr": fmax_pnr, "icetime": fmax_it},
        "nextpnr_clock": clk,
        "icetime_critical_path_ns": delay_it,
        "icetime_warnings": icetime_warnings(a.dir) if have_asc else [],
        "timing_met": {"nextpnr": met_pnr, "icetime": met_it},
        "macs_per_cycle": rc,
        "fmax_lower_mhz": lower,
        "peak_int8_gmacs": peak,
        "int8_gmacs_at_clock": at_clock,
        "clock_hz": a.clock_hz,
        "marlann_int8_gmacs": MARLANN_GMACS,
        "baud": a.baud,
        "clocks_per_bit": (a.clock_hz // a.baud) if a.baud else None,
        "link_bytes_per_s": a.baud // 10 if a.baud else None,
        "ok": ok,
    }
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    def n(x, fmt="%s"):
        return "-" if x is None else fmt % x
    ptxt = " ".join("%s=%s" % kv for kv in params.items())
    print("== %s (%s) %s" % (a.board, dev["device"], ptxt))
    if not have_json:
        print("  NOT BUILT (synthesis failed): %s" % error)
    elif not fit:
        print("  DOES NOT FIT (or place and route failed): %s" % error)
    for k in ("logic_cells", "dsp", "spram", "ebr"):
        r = res[k]
        est = r.get("used_estimate_from_yosys_luts")
        used = n(r["used"]) if est is None else "~%d SB_LUT4 (yosys)" % est
        pct = (" (%.0f%%)" % (100.0 * r["used"] / r["available"])
               if r["used"] is not None and r["available"] else "")
        print("  %-12s %s / %s%s" % (k, used, n(r["available"]), pct))
    print("  Fmax         nextpnr %s MHz (%s), icetime %s MHz (%s); target %g MHz" % (
        n(fmax_pnr, "%.2f"), "met" if met_pnr else "NOT met",
        n(fmax_it, "%.2f"), "met" if met_it else "NOT met", a.target_mhz))
    for w in report["icetime_warnings"][:5]:
        print("  icetime: %s" % w)
    print("  MACs/cycle   %d; peak int8 %s GMAC/s at the lower Fmax, %s GMAC/s at the %g MHz clock"
          " (MARLANN on the UP5K: ~%.1f)" % (rc, n(peak, "%.3f"), n(at_clock, "%.3f"),
                                            a.clock_hz / 1e6, MARLANN_GMACS))
    if a.baud:
        print("  link         %d baud = %d clocks/bit, %d bytes/s" % (
            a.baud, a.clock_hz // a.baud, a.baud // 10))
    print("  %s: %s" % ("OK" if ok else "FAIL", os.path.join(a.dir, "report.json")))
    if a.check and not ok:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
