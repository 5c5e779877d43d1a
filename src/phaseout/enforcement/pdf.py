"""执法文书 as PDF: a Django template rendered to HTML, then to PDF by WeasyPrint, with the Chinese
fonts embedded (docs/documents.md).

The fonts are Noto Serif SC (正文, a 宋体 face) and Noto Sans SC (标题, a 黑体 face), SIL OFL 1.1,
shipped by the PyPI package ``pylopdf-fonts-zh-cn`` that ``uv.lock`` pins and ``make env``
installs. The settings ``PHASEOUT_PDF_FONT`` and ``PHASEOUT_PDF_HEADING_FONT`` name other files.
A document is never made with boxes for characters: a missing font file is an
:class:`~django.core.exceptions.ImproperlyConfigured` error, and a character neither font has is a
:class:`DocumentError`, both raised before anything is rendered.

Nothing is fetched while rendering: the URL fetcher serves the two font files and refuses every
other URL (no network; no other local file).
"""

from __future__ import annotations

import importlib.util
import sysconfig
import unicodedata
import warnings
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

__all__ = [
    "DOCUMENT_TEMPLATES",
    "DocumentError",
    "font_path",
    "heading_font_path",
    "render_document",
    "render_pdf",
]

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
BODY_FONT_FILE = "NotoSerifSC-Regular.otf"
HEADING_FONT_FILE = "NotoSansSC-Regular.otf"
# The families the document templates ask for; the @font-face rules below bind them to the files.
BODY_FAMILY = "PhaseoutSerif"
HEADING_FAMILY = "PhaseoutSans"

DOCUMENT_TEMPLATES = {
    "rectification_notice": "enforcement/documents/rectification_notice.html",  # 限期整改通知书
    "suspension_order": "enforcement/documents/suspension_order.html",  # 责令停产整治决定书
    "extension_decision": "enforcement/documents/extension_decision.html",  # 延期整改决定书
    "approval_request": "enforcement/documents/approval_request.html",  # 请示
    "closure_decision": "enforcement/documents/closure_decision.html",  # 关停退出决定书
    "announcement": "enforcement/documents/announcement.html",  # 公告
}


class DocumentError(ValueError):
    """A document that cannot be made as asked: a character the fonts lack, or a template that
    refers to an outside resource."""


def _package_dir() -> Path:
    """Where the font package is installed, or would be (this environment's site-packages)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(sysconfig.get_paths()["purelib"]) / FONT_PACKAGE


def _font(setting: str, filename: str) -> Path:
    configured = getattr(settings, setting, "")
    path = Path(configured) if configured else _package_dir() / filename
    if path.is_file():
        return path
    if configured:
        raise ImproperlyConfigured(
            f"设置 {setting} 指定的字体文件不存在：{path}。无法生成执法文书（PDF 须嵌入中文字体）。"
            f"请改正该设置，或清空它以使用 make env 安装的字体。"
        )
    raise ImproperlyConfigured(
        f"缺少生成执法文书所需的中文字体文件：{path}。请运行 make env 安装"
        f"（Python 包 pylopdf-fonts-zh-cn，版本锁定在 uv.lock），或在设置 {setting} 中指定字体文件。"
    )


def font_path() -> Path:
    """The body font (正文): ``settings.PHASEOUT_PDF_FONT``, or the installed Noto Serif SC.

    Raises ImproperlyConfigured, naming the path and how to install it, when the file is missing.
    """
    return _font("PHASEOUT_PDF_FONT", BODY_FONT_FILE)


def heading_font_path() -> Path:
    """The heading font (标题、小标题): ``settings.PHASEOUT_PDF_HEADING_FONT``, or the installed
    Noto Sans SC. Raises ImproperlyConfigured like :func:`font_path`."""
    return _font("PHASEOUT_PDF_HEADING_FONT", HEADING_FONT_FILE)


@lru_cache(maxsize=8)
def _face(path: str, mtime_ns: int, size: int):
    """The font file as a HarfBuzz face, with the code points it has glyphs for (cached per
    file version)."""
    import uharfbuzz

    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(path))
    if face.glyph_count == 0:
        raise ImproperlyConfigured(f"字体文件无法读取：{path}（不是 OpenType/TrueType 字体）。")
    return face, frozenset(face.unicodes)


def _load(path: Path):
    stat = path.stat()
    return _face(str(path), stat.st_mtime_ns, stat.st_size)


# Drawn by the stylesheet, not written in the HTML: 一、二、 … section numbers (cjk-decimal) and
# page and item numbers.
GENERATED_CHARACTERS = "〇一二三四五六七八九0123456789—．、"


def _characters_needed(html: str) -> frozenset[int]:
    return frozenset(
        ord(char)
        for char in html + GENERATED_CHARACTERS
        # Control and format characters are not drawn; spaces are, and must come from the
        # fonts too, or the spaces would be drawn with (and embed) a system font.
        if unicodedata.category(char) not in {"Cc", "Cf"}
    )


def _check_glyphs(needed: frozenset[int], fonts: list[Path]) -> None:
    covered = frozenset().union(*(_load(path)[1] for path in fonts))
    missing = sorted(needed - covered)
    if missing:
        listed = "、".join(f"“{chr(point)}”（U+{point:04X}）" for point in missing[:10])
        raise DocumentError(
            f"字体中没有下列字符，文书无法正确显示：{listed}。请改正文字，"
            f"或在设置 PHASEOUT_PDF_FONT 中指定含有这些字符的字体。"
        )


def _subset(path: Path, needed: frozenset[int]) -> bytes:
    """The font cut down to the characters of one document. HarfBuzz (uharfbuzz, from PyPI) does
    it in milliseconds; WeasyPrint's own subsetting needs the harfbuzz-subset system library, and
    without it falls back to fontTools, which takes seconds for each 30,000-glyph CJK font."""
    import uharfbuzz

    face, covered = _load(path)
    subset_input = uharfbuzz.SubsetInput()
    for point in needed & covered:
        subset_input.unicode_set.add(point)
    subset_input.flags = uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
    # Without GSUB every character is drawn with the glyph its cmap names, so the PDF's
    # ToUnicode map (built from the cmap for a font embedded whole) gives the text back exactly;
    # horizontal Simplified Chinese needs none of its substitutions.
    subset_input.sets(uharfbuzz.SubsetInputSets.DROP_TABLE_TAG).add(_tag("GSUB"))
    return uharfbuzz.subset(face, subset_input).blob.data


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def _file_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
        return None
    return Path(url2pathname(parts.path))


def _weasyprint():
    """WeasyPrint, imported on first use: it loads Pango and fontconfig, a second or more that
    no other command should pay."""
    with warnings.catch_warnings():
        # WeasyPrint asks for the harfbuzz-subset system library for its own font subsetting,
        # which render_pdf does not use (see _subset).
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        import weasyprint
    return weasyprint


def _fetcher(fonts: dict[Path, bytes]):
    """A URL fetcher that serves, for each font file's URL, the given bytes (that font cut down to
    the document), and refuses every other URL, remembering what it refused."""
    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    served = {path.resolve(): content for path, content in fonts.items()}

    class FontsOnly(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",))
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = _file_path(url)
            content = served.get(path.resolve()) if path is not None else None
            if content is None:
                self.refused.append(url)
                raise DocumentError(f"文书不得引用外部资源：{url}")
            return URLFetcherResponse(url, body=content)

    return FontsOnly()


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered with ``context`` (auto-escaped) as a PDF with the fonts embedded.

    Raises ImproperlyConfigured when a font file is missing or unreadable, and DocumentError when
    the text has a character neither font has or the template refers to an outside resource.
    """
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fonts = {BODY_FAMILY: font_path(), HEADING_FAMILY: heading_font_path()}
    html = render_to_string(template_name, context)
    needed = _characters_needed(html)
    _check_glyphs(needed, list(fonts.values()))
    fetcher = _fetcher({path: _subset(path, needed) for path in fonts.values()})
    font_config = FontConfiguration()
    faces = "".join(
        f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); }}\n'
        for family, path in fonts.items()
    )
    # A template that names no font still gets these, never a system font.
    faces += f'html {{ font-family: "{BODY_FAMILY}", "{HEADING_FAMILY}"; }}\n'
    stylesheet = weasyprint.CSS(string=faces, font_config=font_config, url_fetcher=fetcher)
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet],
        font_config=font_config,
        # The fonts served are already cut down to this document: embed them as they are.
        full_fonts=True,
    )
    if fetcher.refused:
        raise DocumentError(f"文书不得引用外部资源：{'、'.join(fetcher.refused)}")
    return pdf


def render_document(context: dict) -> bytes:
    """The document of ``context["kind"]`` (a key of :data:`DOCUMENT_TEMPLATES`) as a PDF."""
    try:
        template_name = DOCUMENT_TEMPLATES[context["kind"]]
    except KeyError:
        raise DocumentError(f"未知的文书种类：{context.get('kind')!r}") from None
    return render_pdf(template_name, context)
