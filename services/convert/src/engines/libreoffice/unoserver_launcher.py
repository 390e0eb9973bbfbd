"""Runs unoserver's own server (same XML-RPC API, same arguments) with safer document loading.

unoserver loads every document with ReadOnly only. This adds, to each load:
- Hidden: LibreOffice 7.4 crashes (vcl::Window::GetCursor) when a spreadsheet is loaded into a visible
  frame of a headless soffice, which is what unoserver does; hidden frames are also cheaper.
- MacroExecutionMode NEVER_EXECUTE and UpdateDocMode NO_UPDATE: no macro runs and no link is updated,
  whatever the profile says (the profile forbids both too).
No interaction handler is passed, so nothing is ever asked: a password-protected file just fails to load.
It also ends its whole process group (itself, oosplash, soffice) when convert-worker dies: the instance
runs in a group of its own so a timeout can kill it whole, which would otherwise outlive a killed worker.
Run with the interpreter of unoserver's venv: python unoserver_launcher.py <unoserver arguments>.
"""

import os
import signal
import sys
import threading
import time

import uno  # noqa: F401  (installs the import hook that makes com.sun.star importable)
from com.sun.star.beans import PropertyValue
from unoserver import converter, server

NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE
SAFE_LOAD_PROPERTIES = (
    PropertyValue(Name="Hidden", Value=True),
    PropertyValue(Name="MacroExecutionMode", Value=NEVER_EXECUTE),
    PropertyValue(Name="UpdateDocMode", Value=NO_UPDATE),
)


class SafeDesktop:
    """The Desktop unoserver talks to, with the safe properties added to every load."""

    def __init__(self, desktop):
        self._desktop = desktop

    def loadComponentFromURL(self, url, target, flags, properties):
        return self._desktop.loadComponentFromURL(url, target, flags, tuple(properties) + SAFE_LOAD_PROPERTIES)

    def __getattr__(self, name):
        return getattr(self._desktop, name)


original_init = converter.UnoConverter.__init__


def init_with_safe_desktop(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self.desktop = SafeDesktop(self.desktop)


converter.UnoConverter.__init__ = init_with_safe_desktop



def end_group_when_orphaned(parent):
    """Polls rather than waits: Linux tells a child of its parent's death only by reparenting it."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os.killpg(os.getpgrp(), signal.SIGKILL)


if __name__ == "__main__":
    threading.Thread(target=end_group_when_orphaned, args=(os.getppid(),), daemon=True).start()
    sys.argv[0] = "unoserver"
    sys.exit(server.main())
