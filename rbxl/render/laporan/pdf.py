"""The report as PDF through a headless LibreOffice Writer, with the table of contents filled.

A plain `--convert-to pdf` leaves Word's TOC field as its placeholder (Writer does not update
indexes on load), so the conversion runs a small Basic macro from a private profile that
updates every index, then exports. The profile is created per run in a temporary folder (two
runs never share one), every step has a timeout, and a killed step takes its whole process
group with it. Without soffice the caller gets PdfUnavailable and keeps the docx alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from rbxl.core.atomic import atomic_path
from rbxl.core.errors import OutputError, RbxlError
from rbxl.core.messages import message
from rbxl.core.values import format_number

TIMEOUT = 180  # seconds per soffice step; a first start with a fresh profile takes a few

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub ToPdf(inPath As String, outPath As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(inPath), &quot;_blank&quot;, 0, args())
  idx = doc.getDocumentIndexes()
  For n = 1 To 2
    For i = 0 To idx.getCount() - 1
      idx.getByIndex(i).update()
    Next
    doc.getTextFields().refresh()
  Next
  Dim f(0) As New com.sun.star.beans.PropertyValue
  f(0).Name = &quot;FilterName&quot;
  f(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(ConvertToURL(outPath), f())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""


class PdfUnavailable(RbxlError):
    """No LibreOffice here: the docx stands alone (not an error of the run)."""


class PdfFailed(OutputError):
    """LibreOffice is here but did not produce the PDF (timeout, crash): exit 4, the docx stays."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> None:
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True)
    try:
        proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise PdfFailed(message("PDF_TIMEOUT", seconds=format_number(timeout))) from None
    except BaseException:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def to_pdf(pairs: list[tuple[Path, Path]], timeout: float = TIMEOUT) -> list[Path | OutputError]:
    """Write each (docx, pdf target) pair; PdfUnavailable without soffice, PdfFailed when it fails.

    One private profile serves every document of the run (its first start is the slow part).
    A locked target gives its OutputError (the PDF kept as '(baru)') in place of the path.
    """
    exe = soffice()
    if exe is None:
        raise PdfUnavailable(message("PDF_NO_LIBREOFFICE"))
    done = []
    with tempfile.TemporaryDirectory(prefix="rbxl-pdf-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp", "HOME": str(work)}
        base = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
                "--norestore", "--nodefault"]
        # LibreOffice fills user/basic on its first start; the macro goes in after that
        _run([*base, "--terminate_after_init"], env, timeout)
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        if module.parent.is_dir():
            module.write_text(MACRO, encoding="utf-8")
        for i, (docx, target) in enumerate(pairs):
            # a private copy with a plain name: the source is never touched, the macro call needs no quoting
            job = work / f"job{i}"
            job.mkdir()
            src, pdf = job / "laporan.docx", job / "laporan.pdf"
            shutil.copyfile(docx, src)
            if module.is_file():
                quoted = [str(p).replace('"', '""') for p in (src, pdf)]  # Basic string literals
                _run([*base, 'macro:///Standard.Module1.ToPdf("{}","{}")'.format(*quoted)], env, timeout)
            if not pdf.is_file() or pdf.stat().st_size == 0:  # no macro: convert, the TOC stays a placeholder
                _run([*base, "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(job), str(src)], env, timeout)
            if not pdf.is_file() or pdf.stat().st_size == 0:
                raise PdfFailed(message("PDF_NOT_MADE", name=docx.name))
            try:
                with atomic_path(target) as out:
                    shutil.copyfile(pdf, out)
                done.append(target)
            except OutputError as err:
                done.append(err)
    return done
