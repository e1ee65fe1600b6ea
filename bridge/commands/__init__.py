"""Sub-commands of the ``atelier`` CLI, one module each (see `bridge.cli.COMMAND_MODULES`)."""
