"""An emulator of the IPCortex PBX handset API, for tests, demos and pipelines."""

__version__ = "1.0.0"
