#!/usr/bin/env bash
# tatami train (examples/train*.c): the data set is deterministic and its hash
# is what it says; --json is well-formed and loss_hex is loss's bit pattern;
# runs are bit-identical for a seed; the FP32 baseline reaches 95 %; --plot
# makes a PNG. On ref: (once libtatami implements the 1.1 float API): 95 % in
# a short run, bit-identical to the host emulation of the spec's numerics and
# to itself; sim: against ref: step by step once the RTL has BF16.
# A check the device cannot run yet prints SKIP and why (exit 0: not failing
# while the API is being implemented elsewhere, but never silently).
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${BUILD:-build}/bin/tatami
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; }

# run_train NAME ARGS...: tatami train --json ARGS > $TMP/NAME.json. Status 77:
# the device lacks the float API (the reason is in $TMP/NAME.err).
run_train() {
  local name=$1 rc=0; shift
  $T train --json "$@" >"$TMP/$name.json" 2>"$TMP/$name.err" || rc=$?
  [ $rc = 0 ] || [ $rc = 77 ] || { cat "$TMP/$name.err"; fail "tatami train $* exited $rc"; }
  return $rc
}

# check_json NAME MIN_ACCURACY: every step object has step (1, 2, ...), a
# numeric loss whose FP32 bit pattern is loss_hex, a batch accuracy; the last
# line is the final object with the held-out accuracy >= MIN_ACCURACY.
check_json() {
  python3 - "$TMP/$1.json" "$2" <<'PY' || fail "tatami train --json output of $1"
import json, struct, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no output"
recs = [json.loads(l) for l in lines]      # each line one JSON object
*steps, final = recs
assert steps, "no step objects"
for n, r in enumerate(steps, 1):
    assert r["step"] == n, r
    assert isinstance(r["loss"], float) and r["loss"] > 0, r
    # the number, read as FP32 (round to nearest), is exactly loss_hex
    bits = struct.unpack("<I", struct.pack("<f", r["loss"]))[0]
    assert r["loss_hex"] == "0x%08x" % bits, (r, "0x%08x" % bits)
    assert 0 <= r["batch_accuracy"] <= 1, r
assert final.get("final") is True, final
acc = final["heldout_accuracy"]
assert final["heldout_correct"] == round(acc * final["test_size"]), final
assert final["final_loss"] == steps[-1]["loss"], final
print("%s: %d steps, final loss %.4f, held-out accuracy %.1f %%" %
      (sys.argv[1], len(steps), steps[-1]["loss"], acc * 100))
assert acc >= float(sys.argv[2]), "held-out accuracy %.3f below %s" % (acc, sys.argv[2])
PY
}

# same_losses A B: runs A and B have the same loss bit pattern at every step,
# the same held-out result and loss hash. Prints the first difference.
same_losses() {
  python3 - "$TMP/$1.json" "$TMP/$2.json" <<'PY' || fail "runs $1 and $2 differ"
import json, sys
a, b = ([json.loads(l) for l in open(f)] for f in sys.argv[1:3])
assert len(a) == len(b), "%d vs %d lines" % (len(a), len(b))
for x, y in zip(a[:-1], b[:-1]):
    assert x["loss_hex"] == y["loss_hex"], "step %d: loss %s vs %s" % (x["step"], x["loss_hex"], y["loss_hex"])
    assert x.get("heldout_accuracy") == y.get("heldout_accuracy"), (x, y)
fa, fb = a[-1], b[-1]
for k in ("heldout_correct", "loss_hash", "flags"):   # flags: the tile's (not the FP32 host's)
    assert fa.get(k) == fb.get(k), "%s: %s vs %s" % (k, fa.get(k), fb.get(k))
print("%s = %s: %d steps bit-identical (loss hash %s)" % (sys.argv[1], sys.argv[2], len(a) - 1, fa["loss_hash"]))
PY
}

# has_float URI: the device's INFO features include BF16 (tatami info).
has_float() { $T info -d "$1" 2>/dev/null | grep '^features:' | grep -qw bf16; }

# compare_devices URI_A URI_B ARGS...: train on both, every step's loss
# bit-identical. Status 77 if either lacks the float API.
compare_devices() {
  local a=$1 b=$2 tag; shift 2
  tag=$(echo "$a-$b-$*" | tr -c 'A-Za-z0-9\n' '_')
  run_train "A_$tag" -d "$a" "$@" || return 77
  run_train "B_$tag" -d "$b" "$@" || return 77
  same_losses "A_$tag" "B_$tag"
}

# ---- usage
$T train --help | grep -q '^usage: tatami \[-d URI\] train' || fail "tatami train --help"
$T --help | grep -q '^  train' || fail "tatami --help does not list train"
if $T train --dtype fp64 >/dev/null 2>&1; then fail "--dtype fp64 accepted"; fi
if $T train --bogus >/dev/null 2>&1; then fail "unknown option accepted"; fi

# ---- the data set: same bytes on every invocation; the hash is FNV-1a 64 of
# the dumped bytes (computed here independently), labels balanced, pixels in
# [0, 1]; another data seed gives another set.
h1=$($T train --data-hash)
h2=$($T train --data-hash)
[ "$h1" = "$h2" ] || fail "data hash not deterministic: $h1 vs $h2"
h3=$($T train --data-hash --data-seed 2)
[ "$h1" != "$h3" ] || fail "--data-seed 2 gives the same data set"
# (a small set, for python's speed; sample i depends on the seed and i only)
hs=$($T train --data-hash --train-size 600 --test-size 300)
$T train --dump-data "$TMP/data.bin" --train-size 600 --test-size 300
$T train --dump-data "$TMP/data2.bin" --train-size 400 --test-size 300
python3 - "$TMP/data.bin" "$hs" "$TMP/data2.bin" <<'PY' || fail "--dump-data / --data-hash"
import struct, sys
b = open(sys.argv[1], "rb").read()
h = 0xCBF29CE484222325
for x in b:
    h = ((h ^ x) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
assert "0x%016x" % h == sys.argv[2], ("0x%016x" % h, sys.argv[2])
side, ntr, nte = struct.unpack_from("<3I", b, 0)
npix = (ntr + nte) * side * side
assert len(b) == 12 + 4 * npix + ntr + nte, len(b)
px = struct.unpack_from("<%df" % npix, b, 12)
assert min(px) >= 0.0 and max(px) <= 1.0, (min(px), max(px))
labels = b[12 + 4 * npix:]
for n, ys in ((ntr, labels[:ntr]), (nte, labels[ntr:])):
    counts = [ys.count(c) for c in range(10)]
    assert max(counts) - min(counts) <= 1, counts
# the held-out set does not depend on the size of the training set
b2 = open(sys.argv[3], "rb").read()
s2, ntr2, nte2 = struct.unpack_from("<3I", b2, 0)
test_px = lambda buf, ntr_: buf[12 + 4 * ntr_ * side * side:12 + 4 * (ntr_ + nte) * side * side]
assert (s2, nte2) == (side, nte) and test_px(b, ntr) == test_px(b2, ntr2), "held-out set changed"
assert b[-nte:] == b2[-nte:], "held-out labels changed"
print("data set: %dx%d, %d + %d images, hash %s" % (side, side, ntr, nte, sys.argv[2]))
PY

# ---- the FP32 host baseline: full default run (about a second), accuracy,
# JSON, repeatability.
run_train base --baseline
check_json base 0.95
run_train base2 --baseline
same_losses base base2

# ---- the host emulation of the tile: same seed, same bits (both data types);
# another seed, other bits.
# (--test-size 300: a quicker evaluation; accuracy is checked elsewhere)
E="--emulate --dtype cfp8 --steps 20 --eval-every 10 --test-size 300"
run_train emu_a $E
run_train emu_b $E
check_json emu_a 0
same_losses emu_a emu_b
run_train emu_c $E --seed 2
if python3 -c 'import json,sys; a,b=(json.loads(open(f).read().splitlines()[-1])["loss_hash"] for f in sys.argv[1:]); sys.exit(a!=b)' \
     "$TMP/emu_a.json" "$TMP/emu_c.json"; then fail "--seed 2 gives the same losses"; fi

# ---- plots (gnuplot-nox, make deps): a PNG, for one run and for --compare
if command -v gnuplot >/dev/null; then
  $T train --baseline --steps 60 --eval-every 20 --plot "$TMP/loss.png" >/dev/null
  $T train --compare --emulate --steps 12 --eval-every 6 --test-size 300 --plot "$TMP/cmp.png" > "$TMP/cmp.txt"
  for p in loss cmp; do
    [ "$(head -c 8 "$TMP/$p.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "--plot: $p.png is not a PNG"
    [ -s "$TMP/$p.gp" ] && [ -s "$TMP/$p.dat" ] || fail "--plot: $p.gp / $p.dat missing"
  done
  for r in fp32 bf16 cfp8-sr; do grep -q "^$r " "$TMP/cmp.txt" || fail "--compare: no $r row"; done
else
  skip "gnuplot not installed (make deps installs gnuplot-nox): --plot not checked"
fi

# ---- ref: (the reference model of the tile): a short run reaches 95 %; equal
# bit for bit, losses and sticky flags, to the emulation of the spec's numerics
# (bf16; cfp8 with stochastic rounding: the draws' order) and to itself.
if run_train ref_bf16 -d ref: --steps 150 --eval-every 0; then
  check_json ref_bf16 0.95
  R="--steps 30 --eval-every 15 --test-size 300"
  run_train ref_b30 -d ref: $R
  run_train emu_b30 --emulate $R
  same_losses ref_b30 emu_b30
  run_train ref_c30 -d ref: --dtype cfp8 $R
  run_train emu_c30 --emulate --dtype cfp8 $R
  same_losses ref_c30 emu_c30
  run_train ref_c30b -d ref: --dtype cfp8 $R
  same_losses ref_c30 ref_c30b
  # a tile without the vector unit and RUN (the iCEBreaker FP variant's
  # features: INT8, BF16, FLAGS): libtatami emulates VEC and expands the
  # programs on the host, bit for bit (losses and flags); with CFloat8 too
  # (features 0x17: the host's random source draws the tile's stream). Its
  # features lack CFloat8: --dtype cfp8 is refused, clearly.
  run_train novec_b30 -d ref:features=0x13 $R
  same_losses ref_b30 novec_b30
  run_train novec_c30 -d ref:features=0x17 --dtype cfp8 $R
  same_losses ref_c30 novec_c30
  if run_train novec_cf8 -d ref:features=0x13 --dtype cfp8 --steps 2; then
    fail "--dtype cfp8 ran on a device without CFloat8"
  fi
  grep -q "lacks what training needs" "$TMP/novec_cf8.err" ||
    { cat "$TMP/novec_cf8.err"; fail "--dtype cfp8 without CFloat8: no clear message"; }
else
  skip "ref: cannot train: $(tail -n 1 "$TMP/ref_bf16.err")"
fi

# ---- sim: against ref:, step by step (the RTL simulation: a short run)
if has_float sim:; then
  # (about a second of simulation a step; a 200-image evaluation streams
  # 100 KiB). The issue's >= 50 steps in BF16, a shorter CFloat8-SR run.
  compare_devices sim: ref: --steps 50 --eval-every 25 --test-size 200 || fail "sim: or ref: cannot train"
  compare_devices sim: ref: --dtype cfp8 --steps 10 --eval-every 5 --test-size 200 ||
    fail "sim: or ref: cannot train"
else
  skip "sim: vs ref: step by step: tatami info -d sim: shows no bf16 feature (the RTL has no float GEMM yet)"
fi
echo "train: all checks passed"
