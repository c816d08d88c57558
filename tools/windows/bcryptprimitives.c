/* Test-only stand-in for Windows 10's bcryptprimitives.dll, which Wine 8.0 lacks: Rust's
 * standard library (python-calamine's extension) asks it for ProcessPrng. Built with mingw-w64
 * by tools/wine_check.py into the Wine prefix only; never part of the installer. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
