"""FilterNet inference speed on this CPU: ms per photo, the default model vs ResNet-50.

    .venv/bin/python benchmarks/filternet_speed.py [--model models/filternet-small]
        [--size 299] [--threads 2] [--reps 10]

Times the network's forward pass (inference mode) on ready (B, 3, size, size) thumbnails,
one photo per pass and 16 per pass (the engine batches), median of ``--reps`` passes after
two warm-up passes.  ResNet-50 is timed with random weights: speed does not depend on them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engine.predictors.filternet import FilterNet, FilterNetConfig  # noqa: E402
from engine.predictors.filternet.predictor import default_model_dir  # noqa: E402

BATCHES = (1, 16)


def ms_per_photo(model: FilterNet, size: int, batch: int, reps: int) -> float:
    """Median wall time of one forward pass over ``batch`` thumbnails, ms per photo."""
    x = torch.rand(batch, 3, size, size)
    times = []
    with torch.inference_mode():
        for i in range(reps + 2):
            start = time.perf_counter()
            model(x)
            if i >= 2:  # the first passes pay for allocation and kernel selection
                times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times) / batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=default_model_dir(),
                        help="the default FilterNet directory (default: the bundled model)")
    parser.add_argument("--size", type=int, default=299, help="thumbnail side, px")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    parser.add_argument("--reps", type=int, default=10, help="timed passes per figure")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(0)
    models = {
        f"default ({args.model.name})": FilterNet.from_pretrained(args.model),
        "ResNet-50 (random weights)": FilterNet(FilterNetConfig(image_size=args.size)).eval(),
    }
    print(f"{args.size} px, {torch.get_num_threads()} torch threads, "
          f"median of {args.reps} passes\n")
    print("| model | parameters (M) | " + " | ".join(f"ms/photo, batch {b}" for b in BATCHES)
          + " |\n|---|---|" + "---|" * len(BATCHES))
    for name, model in models.items():
        params = sum(p.numel() for p in model.parameters()) / 1e6
        figures = [ms_per_photo(model, args.size, b, args.reps) for b in BATCHES]
        print(f"| {name} | {params:.2f} | " + " | ".join(f"{f:.1f}" for f in figures) + " |")


if __name__ == "__main__":
    main()
