"""Plot the response of every develop slider into ``docs/img/develop_*.png``.

Each curve is measured through `engine.develop.render` itself (not re-implemented), on
synthetic images whose answer is known:

* tone sliders — a neutral grey ramp, log-spaced from 2⁻¹² to 4 (linear), 1024 px wide:
  output vs input log2 luminance for several slider values;
* texture / clarity — a log-luminance sine around middle grey: gain of its amplitude vs
  its period (% of the long side), i.e. the band each slider acts on;
* dehaze — a hazy scene model ``I = J t + A (1 − t)`` rendered at several Dehaze values;
* vibrance / saturation — output vs input saturation for a muted blue and a skin hue;
* white balance — where a grey card lands in CIE 1960 uv as the incremental
  temperature and tint sweep, against the Planckian locus.

Matplotlib is a dev-only dependency (the ``dev`` extra).  Run with
``.venv/bin/python benchmarks/plot_develop.py [--out docs/img]``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
_LOG2_LO, _LOG2_HI = -12.0, 2.0


def _render(img: torch.Tensor, settings: Mapping[str, float]) -> torch.Tensor:
    from engine.develop import render

    with torch.no_grad():
        return render(img, settings)


def _grey_ramp(width: int = 1024, rows: int = 8) -> tuple[torch.Tensor, np.ndarray]:
    """(1, 3, rows, width) neutral ramp and its log2 luminance per column."""
    e = torch.linspace(_LOG2_LO, _LOG2_HI, width, dtype=torch.float64)
    img = torch.exp2(e).view(1, 1, 1, width).expand(1, 3, rows, width).float().contiguous()
    return img, e.numpy()


def _log2_lum(img: torch.Tensor) -> np.ndarray:
    from engine.develop.tone import luminance

    y = luminance(img)[0, 0]
    return np.log2(np.clip(y[y.shape[0] // 2].double().numpy(), 2.0**-16, None))


def _tone_plot(ax: object, name: str, values: Sequence[float], unit: str = "") -> None:
    img, e = _grey_ramp()
    for v in values:
        out = _log2_lum(_render(img, {name: v}))
        ax.plot(e, out, label=f"{v:+g}{unit}", lw=2 if v == 0 else 1.3)  # type: ignore[attr-defined]
    ax.plot(e, e, color="0.6", lw=0.8, ls=":")  # type: ignore[attr-defined]
    ax.axvline(math.log2(0.18), color="0.8", lw=0.8)  # type: ignore[attr-defined]
    ax.set_title(name)  # type: ignore[attr-defined]
    ax.set_xlabel("input log2 luminance (0.18 grey = −2.47)")  # type: ignore[attr-defined]
    ax.set_ylabel("output log2 luminance")  # type: ignore[attr-defined]
    ax.set_xlim(_LOG2_LO, _LOG2_HI)  # type: ignore[attr-defined]
    ax.grid(alpha=0.3)  # type: ignore[attr-defined]
    ax.legend(fontsize=8, loc="upper left")  # type: ignore[attr-defined]


def _figure(ncols: int, nrows: int = 1, size: tuple[float, float] = (5.2, 4.2)) -> tuple[
    object, np.ndarray
]:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows),
                             squeeze=False)
    return fig, axes.ravel()


def _save(fig: object, out: Path, name: str) -> Path:
    import matplotlib.pyplot as plt

    path = out / f"develop_{name}.png"
    fig.tight_layout()  # type: ignore[attr-defined]
    fig.savefig(path, dpi=90)  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return path


def plot_tone(out: Path) -> list[Path]:
    """Exposure, contrast, highlights/shadows, whites/blacks on a grey ramp."""
    paths = []
    fig, ax = _figure(2)
    _tone_plot(ax[0], "Exposure2012", [-2, -1, 0, 1, 2, 3], " EV")
    ax[0].axhline(0, color="0.8", lw=0.8)  # linear 1.0: the roll-off's asymptote
    _tone_plot(ax[1], "Contrast2012", [-100, -50, 0, 50, 100])
    paths.append(_save(fig, out, "exposure_contrast"))
    fig, ax = _figure(2, 2)
    for i, name in enumerate(("Highlights2012", "Shadows2012", "Whites2012", "Blacks2012")):
        _tone_plot(ax[i], name, [-100, -50, 0, 50, 100])
    paths.append(_save(fig, out, "highlights_shadows_whites_blacks"))
    return paths


def _sine(period: float, width: int = 1024, rows: int = 64, amp: float = 0.5) -> torch.Tensor:
    x = torch.arange(width, dtype=torch.float64) + 0.5
    e = math.log2(0.18) + amp * torch.sin(2 * math.pi * x / period)
    return torch.exp2(e).view(1, 1, 1, width).expand(1, 3, rows, width).float().contiguous()


def _amplitude(img: torch.Tensor) -> float:
    e = _log2_lum(img)
    mid = e[len(e) // 4 : 3 * len(e) // 4]  # away from the borders
    return float(mid.std() * math.sqrt(2))


def plot_detail(out: Path) -> Path:
    """Texture and Clarity: amplitude gain of a log-luminance sine vs its period."""
    periods = np.geomspace(2.5, 400, 28)
    fig, ax = _figure(2)
    for a, name in zip(ax, ("Texture", "Clarity2012"), strict=True):
        for v in (-100, -50, 50, 100):
            gains = []
            for p in periods:
                img = _sine(float(p))
                gains.append(_amplitude(_render(img, {name: v})) / _amplitude(img))
            a.semilogx(periods / 1024 * 100, gains, label=f"{v:+d}", marker=".")
        a.axhline(1, color="0.6", lw=0.8, ls=":")
        a.set_title(f"{name}: gain of a ±0.5-stop sine by its scale")
        a.set_xlabel("period, % of the long side")
        a.set_ylabel("output / input amplitude (log2 luminance)")
        a.grid(alpha=0.3, which="both")
        a.legend(fontsize=8)
    return _save(fig, out, "texture_clarity")


def plot_dehaze(out: Path) -> Path:
    """Dehaze on a synthetic hazy scene: haze thickening from left to right."""
    width, rows = 1024, 64
    x = torch.linspace(0, 1, width)
    t = 1 - 0.75 * x  # transmission: clear at the left, hazy at the right
    a = 0.8  # airlight, linear
    stripes = 0.05 + 0.25 * (torch.arange(rows) // 8 % 2).float()  # dark/light bands
    j = stripes.view(rows, 1).expand(rows, width)
    img = (j * t + a * (1 - t)).expand(1, 3, rows, width).contiguous()
    fig, ax = _figure(2)
    for v in (-100, -50, 0, 50, 100):
        o = _render(img, {"Dehaze": v})[0, 1]
        contrast = (o[8:16].mean(0) - o[0:8].mean(0)).numpy()
        ax[0].plot(x.numpy(), contrast, label=f"{v:+d}", lw=2 if v == 0 else 1.3)
        ax[1].plot(x.numpy(), o[0:8].mean(0).numpy(), label=f"{v:+d} dark band",
                   lw=2 if v == 0 else 1.3)
    ax[0].axhline(0.25, color="0.5", ls=":", label="haze-free scene")
    ax[0].set_title("Dehaze: contrast of a band pair as haze thickens")
    ax[0].set_xlabel("position (haze transmission 1 → 0.25)")
    ax[0].set_ylabel("light − dark band, linear")
    ax[1].set_title("Dehaze: the dark band (the dark channel)")
    ax[1].set_xlabel("position (haze transmission 1 → 0.25)")
    ax[1].set_ylabel("linear value")
    for a_ in ax:
        a_.grid(alpha=0.3)
        a_.legend(fontsize=8)
    return _save(fig, out, "dehaze")


def _patches(hue_rgb: Sequence[float], n: int = 24) -> tuple[torch.Tensor, np.ndarray]:
    """n patches of one hue from grey to fully saturated, luminance ≈ 0.18."""
    from engine.develop.tone import luminance

    hue = torch.tensor(hue_rgb, dtype=torch.float64)
    d = (hue - hue.min()) / (hue.max() - hue.min())  # the hue, min 0 and max 1
    s = torch.linspace(0, 0.97, n, dtype=torch.float64)
    cols = [1 - k * (1 - d) for k in s]  # max 1, min 1 − k: saturation k
    rgb = torch.stack(cols).T.reshape(1, 3, 1, n)
    rgb = rgb * (0.18 / luminance(rgb).clamp(min=1e-6))
    return rgb.float(), s.numpy()


def _saturation(img: torch.Tensor) -> np.ndarray:
    hi = img.amax(1)[0, 0].double()
    lo = img.amin(1)[0, 0].double()
    return ((hi - lo) / hi.clamp(min=1e-9)).numpy()


def plot_chroma(out: Path) -> Path:
    """Vibrance vs Saturation: output vs input saturation, a muted blue and a skin tone."""
    fig, ax = _figure(2)
    hues = {"blue sky (0.25, 0.45, 0.9)": (0.25, 0.45, 0.9),
            "skin (0.56, 0.33, 0.24)": (0.56, 0.33, 0.24)}
    for a, (label, rgb) in zip(ax, hues.items(), strict=True):
        img, _ = _patches(rgb)
        s_in = _saturation(img)
        for name, v, style in (("Vibrance", 50, "-"), ("Vibrance", 100, "-"),
                               ("Saturation", 50, "--"), ("Saturation", 100, "--"),
                               ("Vibrance", -100, "-"), ("Saturation", -100, "--")):
            a.plot(s_in, _saturation(_render(img, {name: v})), style, label=f"{name} {v:+d}")
        a.plot(s_in, s_in, color="0.6", lw=0.8, ls=":")
        a.set_title(f"hue: {label}")
        a.set_xlabel("input saturation (max − min) / max")
        a.set_ylabel("output saturation")
        a.axhline(1, color="0.8", lw=0.8)  # above: a channel went negative (out of gamut)
        a.set_xlim(0, 1)
        a.set_ylim(0, 1.25)
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    return _save(fig, out, "vibrance_saturation")


def plot_white_balance(out: Path) -> Path:
    """Grey card chromaticity (CIE 1960 uv) for incremental temperature / tint sweeps."""
    from engine.color.white_balance import rgb_to_xy
    from engine.develop.white_balance import locus_uv, xy_to_uv

    grey = torch.full((1, 3, 2, 2), 0.18)

    def uv_of(settings: Mapping[str, float]) -> np.ndarray:
        rgb = _render(grey, settings)[0, :, 0, 0].double().numpy()
        return xy_to_uv(torch.from_numpy(rgb_to_xy(rgb))).numpy()

    fig, ax = _figure(1, size=(7.0, 5.6))
    a = ax[0]
    mired = torch.linspace(1e6 / 20000, 1e6 / 1800, 200, dtype=torch.float64)
    locus = locus_uv(mired, torch.zeros_like(mired)).numpy()
    a.plot(locus[:, 0], locus[:, 1], color="0.4", lw=1, label="Planckian locus")
    for kelvin in (2000, 2500, 3000, 4000, 5000, 6500, 10000):
        p = locus_uv(torch.tensor(1e6 / kelvin, dtype=torch.float64),
                     torch.tensor(0.0, dtype=torch.float64)).numpy()
        a.annotate(f"{kelvin} K", p, fontsize=7, color="0.4", textcoords="offset points",
                   xytext=(3, -10))
    temps = np.linspace(-100, 100, 21)
    pts = np.array([uv_of({"IncrementalTemperature": float(t)}) for t in temps])
    a.plot(pts[:, 0], pts[:, 1], "o-", ms=3, label="IncrementalTemperature −100 … +100")
    tints = np.linspace(-100, 100, 21)
    pts = np.array([uv_of({"IncrementalTint": float(t)}) for t in tints])
    a.plot(pts[:, 0], pts[:, 1], "s-", ms=3, label="IncrementalTint −100 … +100")
    a.plot(*uv_of({}), "k*", ms=10, label="0 / 0 (D65)")
    a.set_title("Where a grey card lands (warmer = towards low Kelvin)")
    a.set_xlabel("u (CIE 1960)")
    a.set_ylabel("v (CIE 1960)")
    a.grid(alpha=0.3)
    a.legend(fontsize=8)
    a.set_aspect("equal")
    return _save(fig, out, "white_balance")


PLOTS: dict[str, Callable[[Path], Path | list[Path]]] = {
    "tone": plot_tone, "detail": plot_detail, "dehaze": plot_dehaze,
    "chroma": plot_chroma, "white_balance": plot_white_balance,
}


def main(argv: list[str] | None = None) -> int:
    """Write every plot (or the ones named) and print their paths."""
    import matplotlib

    matplotlib.use("Agg")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs/img")
    p.add_argument("only", nargs="*", choices=[*PLOTS, []], help="plots to make (all)")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    for name in a.only or PLOTS:
        made = PLOTS[name](a.out)
        for path in made if isinstance(made, list) else [made]:
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
