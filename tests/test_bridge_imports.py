"""The bridge starts light: the engine's heavy libraries stay in the engine process.

Every ``atelier`` command imports the bridge; colour-science alone costs ~2 s of CPU
to import, SciPy ~0.5 s and torch more, which every run of every command would
pay for nothing.
"""

import subprocess
import sys

HEAVY = ("colour", "torch", "transformers", "diffusers", "matplotlib", "scipy")


def test_bridge_and_every_command_import_without_engine_libraries() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import bridge.cli, bridge.commands, bridge.enhance_run, bridge.batch\n"
        "for m in pkgutil.iter_modules(bridge.commands.__path__):\n"
        "    importlib.import_module('bridge.commands.' + m.name)\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == [], f"the bridge imports {out}"
