"""Entry point for ``python -m ipcortex_emulator``."""

import sys

from ipcortex_emulator.cli import main

sys.exit(main())
