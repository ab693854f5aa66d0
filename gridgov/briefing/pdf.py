"""The briefing as PDF, converted from the Word document by LibreOffice when it is installed.

The official fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) are rarely on a server; the
conversion runs with a fontconfig file that maps them onto the Noto CJK serif and sans faces, so
the PDF keeps serif body text and sans headings instead of whatever fontconfig picks first."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 180
# Official font → the installed family that stands in for it (first one present wins).
ALIASES = {
    "仿宋_GB2312": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "仿宋": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "方正小标宋简体": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "宋体": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "楷体_GB2312": ("AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC"),
    "楷体": ("AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC"),
    "黑体": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "等线": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
}


def converter() -> str | None:
    """The LibreOffice executable, or None when none is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _fonts_conf(directory: Path) -> Path:
    aliases = "\n".join(
        f"  <match target=\"pattern\"><test name=\"family\"><string>{name}</string></test>"
        f"<edit name=\"family\" mode=\"prepend\" binding=\"strong\">"
        + "".join(f"<string>{family}</string>" for family in families)
        + "</edit></match>"
        for name, families in ALIASES.items())
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <cachedir>{directory / 'cache'}</cachedir>\n{aliases}\n</fontconfig>\n", encoding="utf-8")
    return conf


def to_pdf(docx_bytes: bytes) -> bytes | None:
    """The PDF of a .docx, or None when no converter is installed. Raises RuntimeError when
    LibreOffice is there but fails."""
    soffice = converter()
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory(prefix="gridgov-pdf-") as tmp:
        work = Path(tmp)
        source = work / "briefing.docx"
        source.write_bytes(docx_bytes)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fonts_conf(work)), HOME=str(work))
        # A profile of its own: a second conversion (or a user's open LibreOffice) never blocks this one.
        profile = (work / "profile").as_uri()
        result = subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(work), str(source)],
            capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
        target = work / "briefing.pdf"
        if result.returncode != 0 or not target.exists():
            raise RuntimeError("LibreOffice could not convert the briefing: "
                               + (result.stderr or result.stdout).strip()[-500:])
        return target.read_bytes()
