"""Runs unoserver's own server (same XML-RPC API, same arguments) with safer document loading.

unoserver loads every document with ReadOnly only. This adds, to each load:
- Hidden: LibreOffice 7.4 crashes (vcl::Window::GetCursor) when a spreadsheet is loaded into a visible
  frame of a headless soffice, which is what unoserver does; hidden frames are also cheaper.
- MacroExecutionMode NEVER_EXECUTE and UpdateDocMode NO_UPDATE: no macro runs and no link is updated,
  whatever the profile says (the profile forbids both too).
No interaction handler is passed, so nothing is ever asked: a password-protected file just fails to load.
Run with the interpreter of unoserver's venv: python unoserver_launcher.py <unoserver arguments>.
"""

import sys

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

if __name__ == "__main__":
    sys.argv[0] = "unoserver"
    sys.exit(server.main())
