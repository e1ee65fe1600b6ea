"""Does the check's keep rule keep the suggestions that help?  Measured against the photo
before the damage, which the critic never sees.

    .venv/bin/python benchmarks/critic_keep_rule.py [--size 512] [--limit N]

Every develop suggestion the technical critic makes on the damaged copies of
`critic_eval`'s develop degradations (all but noise, answered in words, and rotation,
answered with geometry) is checked as the engine checks it (`engine.critic.check`) and
sorted by the verdict: *kept* (`Checked.kept`: the score rises, or the suggestion mends its
target while the score moves by less than half a point), *joined* (kept with the answer to
what it costs), *in part* (kept as the part of its sliders that passes, `check.in_part`),
*mends its target, dropped* (what the issue's looser rule, "improves the
measurement it targets", would also keep), *mends nothing, dropped*.  For each verdict:
how many of its suggestions, rendered (a joined one with its join, one kept in part as
that part), bring the photo closer
to the undamaged one (mean ΔE2000 as displayed), and the mean ΔE2000 before → after.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.critic_eval import DEGRADATIONS, degrade, displayed, photo_paths  # noqa: E402
from engine.decode import decode_photo  # noqa: E402

__all__ = ["VERDICTS", "main"]

#: The verdicts, in the order they are printed.
VERDICTS = ("kept", "joined", "in part", "mends its target, dropped", "mends nothing, dropped")
#: Degradations left out: their answers are words (noise) or geometry (rotation).
SKIPPED = ("noise", "rotate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="long side, px (default 512)")
    parser.add_argument("--limit", type=int, default=0, help="first N photos only")
    args = parser.parse_args()

    from engine.critic.check import verdicts
    from engine.critic.review import review
    from engine.metrics import delta_e_2000
    from engine.predictors import get_predictor

    analytic = get_predictor("analytic")
    kinds = [k for k in DEGRADATIONS if not k.startswith(SKIPPED)]
    moves: dict[str, list[tuple[float, float]]] = {v: [] for v in VERDICTS}
    paths = photo_paths()[: args.limit or None]
    start = time.perf_counter()
    for i, path in enumerate(paths):
        photo = decode_photo(path, long_side=args.size)
        for kind in kinds:
            ref, bad = degrade(kind, photo)  # only the skipped noise uses a seed
            undamaged = displayed(ref.linear)
            before = delta_e_2000(undamaged, displayed(bad.linear))
            prediction = analytic.predict(bad)
            r = review(bad, prediction)
            for _, v in verdicts(bad, r, prediction):
                if v.kept:
                    kind_of = "joined" if v.joined else "in part" if v.part else "kept"
                elif v.checked.mended > 0:
                    kind_of = "mends its target, dropped"
                else:
                    kind_of = "mends nothing, dropped"
                after = delta_e_2000(undamaged, displayed(v.checked.rendered.linear))
                moves[kind_of].append((before, after))
        print(f"[{i + 1}/{len(paths)}] {path.name} ({time.perf_counter() - start:.0f} s)",
              file=sys.stderr)

    print(f"{len(paths)} photos at {args.size} px, {len(kinds)} develop degradations each: "
          "every develop suggestion of the technical critic\n")
    print("| verdict | suggestions | closer to the undamaged photo | mean ΔE2000 before → after |")
    print("|---|---|---|---|")
    for name in VERDICTS:
        pairs = np.array(moves[name]).reshape(-1, 2)
        closer = int((pairs[:, 1] < pairs[:, 0]).sum())
        means = f"{pairs[:, 0].mean():.2f} → {pairs[:, 1].mean():.2f}" if len(pairs) else "–"
        print(f"| {name} | {len(pairs)} | {closer}/{len(pairs)} | {means} |")
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
