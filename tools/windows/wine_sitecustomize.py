"""Test-only: tools/wine_check.py copies this into the Wine test copy's Python folder as
sitecustomize.py. It is never part of the installer.

Three Windows behaviours CPython 3.12 relies on are missing or wrong in Wine 8.0 (Debian
bookworm); each one aborts or hangs a process that runs fine on Windows 10/11:
- WMI (platform.win32_ver, via _wmi) reaches propsys.VariantToString, unimplemented: the process
  aborts. _wmi is hidden, so the platform module takes its registry path instead.
- os.getppid() calls KERNEL32.PssCaptureSnapshot, unimplemented: the process aborts. It is
  answered from NtQueryInformationProcess (ProcessBasicInformation) instead.
- A zero-length message on a message-mode pipe is reported by PeekNamedPipe but never returned
  by ReadFile, so concurrent.futures' wake-up (send_bytes(b"")) blocks its manager thread and a
  ProcessPoolExecutor hangs. The wake-up sends one byte instead (its content is never read).
"""

import ctypes
import os
import sys

sys.modules["_wmi"] = None


class _BasicInformation(ctypes.Structure):
    _fields_ = [("ExitStatus", ctypes.c_long), ("PebBaseAddress", ctypes.c_void_p),
                ("AffinityMask", ctypes.c_size_t), ("BasePriority", ctypes.c_long),
                ("UniqueProcessId", ctypes.c_size_t), ("InheritedFromUniqueProcessId", ctypes.c_size_t)]


def _getppid():
    info = _BasicInformation()
    ctypes.windll.ntdll.NtQueryInformationProcess(ctypes.c_void_p(-1), 0, ctypes.byref(info),
                                                  ctypes.sizeof(info), None)
    return int(info.InheritedFromUniqueProcessId)


os.getppid = _getppid


def _one_byte_wakeup(self):
    if not self._closed:
        self._writer.send_bytes(b"w")


import concurrent.futures.process as _cfp  # noqa: E402

_cfp._ThreadWakeup.wakeup = _one_byte_wakeup
