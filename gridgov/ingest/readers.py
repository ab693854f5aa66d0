"""Readers: bytes of an export -> a frame of text cells, with what was detected on the way.

CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK, GB18030; the encoding is detected from the
bytes and always reported, never assumed), XLSX/XLS (calamine via fastexcel), JSON (Open311
lists), GeoJSON and shapefiles (.shp/.shx with optional .dbf/.prj/.cpg, loose or zipped).
Every cell arrives as text; cleaning is values.py's job.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

import polars as pl

from .problems import IngestError

ROW = "__row__"              # the row number a user sees in a spreadsheet (header = its own row)
GEOMETRY = "__geometry__"    # GeoJSON text of a feature's geometry
EXTRA = "__extra__"          # cells beyond the header (a ragged CSV row)
HEADER_SCAN_ROWS = 20
TABULAR = (".csv", ".txt", ".tsv")
EXCEL = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
JSON = (".json", ".geojson")
SHAPE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030")

ENCODING_NOTES = {
    "bom": "byte-order mark", "valid_utf8": "valid UTF-8", "gbk_not_utf8": "not UTF-8; valid GBK",
    "gb18030_not_gbk": "not UTF-8 or GBK; valid GB18030", "chosen": "chosen by the user",
}

HeaderScore = Callable[[list[str]], int]


@dataclass
class Source:
    """One export read into text cells."""
    name: str
    kind: str                      # csv / excel / json / geojson / shapefile
    frame: pl.DataFrame            # text columns named by the header, plus ROW (and GEOMETRY)
    sha256: str
    size: int
    encoding: str | None = None
    encoding_note: str = ""          # how the encoding was decided: a key of ENCODING_NOTES
    delimiter: str | None = None
    header_row: int = 1
    sheet: str | None = None
    ragged: list[tuple[int, int, int]] = field(default_factory=list)  # (row, fields, expected)

    @property
    def headers(self) -> list[str]:
        return [c for c in self.frame.columns if c not in (ROW, GEOMETRY, EXTRA)]

    @property
    def has_geometry(self) -> bool:
        return GEOMETRY in self.frame.columns


@dataclass
class Upload:
    """A file as received: its name and bytes."""
    name: str
    data: bytes


def group_uploads(files: list[Upload]) -> list[list[Upload]]:
    """One group per export: a shapefile's .shp/.shx/.dbf/.prj/.cpg travel together."""
    groups: dict[str, list[Upload]] = {}
    order: list[str] = []
    for f in files:
        suffix = PurePath(f.name).suffix.lower()
        key = "shape:" + PurePath(f.name).stem if suffix in SHAPE_PARTS else "file:" + f.name
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(f)
    return [groups[k] for k in order]


def read(files: list[Upload], score: HeaderScore | None = None, encoding: str | None = None,
         sheet: str | None = None) -> Source:
    """Read one export (one file, or a shapefile's parts)."""
    if not files:
        raise IngestError("no file given", "没有文件")
    main = next((f for f in files if f.name.lower().endswith(".shp")), files[0])
    data, suffix = main.data, PurePath(main.name).suffix.lower()
    digest = hashlib.sha256(b"".join(f.data for f in sorted(files, key=lambda f: f.name))).hexdigest()
    size = sum(len(f.data) for f in files)
    if len(data) == 0:
        raise IngestError(f"{main.name}: the file is empty", f"{main.name}：文件为空")
    score = score or (lambda cells: 0)
    if suffix in (".shp", ".zip") or (data[:4] == b"PK\x03\x04" and suffix not in EXCEL and _zip_has_shapefile(data)):
        frame, enc = _read_shapefile(files, main)
        return Source(main.name, "shapefile", frame, digest, size, encoding=enc)
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        frame, header_row, sheet_name = _read_excel(main, score, sheet)
        return Source(main.name, "excel", frame, digest, size, header_row=header_row, sheet=sheet_name)
    text, enc, note = decode(data, main.name, encoding)
    if suffix in JSON or text.lstrip()[:1] in ("{", "["):
        frame, kind = _read_json(text, main.name)
        return Source(main.name, kind, frame, digest, size, encoding=enc, encoding_note=note)
    utf8 = data if enc in ("utf-8", "utf-8-sig") else None
    frame, delimiter, header_row, ragged = _read_csv(text, utf8, main.name, score)
    return Source(main.name, "csv", frame, digest, size, encoding=enc, encoding_note=note,
                  delimiter=delimiter, header_row=header_row, ragged=ragged)


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str, str]:
    """The text, the codec and how it was decided. A forced encoding must decode cleanly."""
    if encoding:
        if encoding not in ENCODINGS:
            raise IngestError(f"unknown encoding {encoding!r}; one of {', '.join(ENCODINGS)}")
        try:
            return data.decode(encoding), encoding, "chosen"
        except UnicodeDecodeError as e:
            raise IngestError(f"{name}: not valid {encoding} (byte {e.start:,})",
                              f"{name}：不是有效的 {encoding} 编码（第 {e.start:,} 字节）") from None
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", "bom")]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", "bom")]
    else:
        candidates = [("utf-8", "valid_utf8"), ("gbk", "gbk_not_utf8"), ("gb18030", "gb18030_not_gbk")]
    first_error = None
    for codec, note in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as e:
            first_error = first_error or e
            continue
        if "\x00" in text[:4096]:
            raise IngestError(f"{name}: binary data, not a text export", f"{name}：不是文本格式的导出文件")
        return text, codec, note
    at = first_error.start if first_error else 0
    raise IngestError(
        f"{name}: not UTF-8, GBK or GB18030 text (first unreadable byte at {at:,}); save it as UTF-8 CSV or .xlsx",
        f"{name}：既不是 UTF-8 也不是 GBK/GB18030 编码（第 {at:,} 字节无法识别）；请另存为 UTF-8 CSV 或 xlsx")


def _unique_headers(cells: list[str]) -> list[str]:
    names, seen = [], {}
    for i, cell in enumerate(cells):
        name = re.sub(r"\s+", " ", str(cell or "").replace("\ufeff", "")).strip() or f"column_{i + 1}"
        if name in (ROW, GEOMETRY, EXTRA):
            name = name.strip("_")
        n = seen.get(name, 0) + 1
        seen[name] = n
        names.append(name if n == 1 else f"{name}_{n}")
    return names


def _pick_header(rows: list[list[str]], score: HeaderScore) -> int:
    """The header is the row among the first few that names the most known columns (else the first)."""
    best, best_score = 0, 0
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        s = score([str(c or "").strip() for c in cells])
        if s > best_score:
            best, best_score = i, s
    return best


def _after_lines(buf, n: int, newline) -> int:
    """The offset just after the n-th newline (len(buf) when there are fewer)."""
    at = 0
    for _ in range(n):
        found = buf.find(newline, at)
        if found < 0:
            return len(buf)
        at = found + 1
    return at


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:   # a stray carriage return or NUL: not a header anyway
        return [line]


def _read_csv(text: str, raw: bytes | None, name: str, score: HeaderScore) -> tuple[pl.DataFrame, str, int, list]:
    """raw is the file's bytes when they are already UTF-8 (no re-encoding needed), else None."""
    head = text[:65536]
    lines = head.split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = ","
    # A title above the header never holds a quoted newline, so the first lines parse one by one.
    first = [_cells(line.rstrip("\r"), delimiter) for line in lines]
    if not any(any(c.strip() for c in r) for r in first):
        raise IngestError(f"{name}: no header row", f"{name}：没有表头")
    header_index = _pick_header(first, score)
    if not any(c.strip() for c in first[header_index]):
        header_index = next(i for i, r in enumerate(first) if any(c.strip() for c in r))
    header = _unique_headers(first[header_index])
    if raw is not None:
        start = _after_lines(raw, header_index + 1, b"\n")
        data = raw[start:]
        body = None
    else:
        body = text[_after_lines(text, header_index + 1, "\n"):]
        data = body.encode("utf-8")
    schema = {h: pl.String for h in header} | {EXTRA: pl.String}
    frame = None
    if len(data) > 64 or data.strip():
        try:
            frame = pl.read_csv(data, has_header=False, schema=schema, separator=delimiter, quote_char='"',
                                empty_string_is_null=False, truncate_ragged_lines=True, missing_columns="insert",
                                raise_if_empty=False)
        except pl.exceptions.PolarsError:
            frame = None
        needs_check = frame is None or frame.height == 0 or bool(
            (frame[EXTRA] != "").any() or (frame[header[-1]].fill_null("") == "").any())
    else:
        frame, needs_check = pl.DataFrame(schema=schema), False
    ragged: list[tuple[int, int, int]] = []
    if needs_check:
        if body is None:
            body = data.decode("utf-8")
        frame, ragged = _checked_csv(body, header, delimiter, frame, name, header_index)
    rows = pl.int_range(0, frame.height, eager=True, dtype=pl.Int64) + header_index + 2
    frame = frame.with_columns(rows.alias(ROW))
    if ragged:
        bad = pl.Series([r for r, _, _ in ragged], dtype=pl.Int64)
        frame = frame.filter(~pl.col(ROW).is_in(bad.implode()))
    frame = frame.drop(EXTRA).with_columns(pl.col(pl.String).replace("", None))
    blank = pl.all_horizontal(pl.col(c).is_null() for c in header)
    return frame.filter(~blank), delimiter, header_index + 1, ragged


def _checked_csv(body: str, header: list[str], delimiter: str, frame: pl.DataFrame | None, name: str,
                 header_index: int) -> tuple[pl.DataFrame, list]:
    """Count each record's fields (Python's csv module); rows of the wrong width are set aside."""
    try:
        records = list(csv.reader(io.StringIO(body), delimiter=delimiter))
    except csv.Error as e:
        raise IngestError(f"{name}: unreadable CSV ({e})", f"{name}：无法解析的 CSV（{e}）") from None
    width = len(header)
    ragged = []
    for i, rec in enumerate(records):
        extra = rec[width:]
        if rec and (len(rec) < width or any(c.strip() for c in extra)):
            ragged.append((header_index + 2 + i, len(rec), width))
    if frame is None or frame.height != len(records):
        # Polars and the csv module disagree on where records end: trust the csv module.
        cells = [(rec + [""] * width)[:width] + [""] for rec in records]
        frame = pl.DataFrame(cells, schema={h: pl.String for h in header} | {EXTRA: pl.String}, orient="row")
    return frame, ragged


def _read_excel(f: Upload, score: HeaderScore, sheet: str | None) -> tuple[pl.DataFrame, int, str]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(f.data)
        names = reader.sheet_names
        chosen = sheet if sheet is not None else None
        if chosen is not None and chosen not in names:
            raise IngestError(f"{f.name}: no sheet named {chosen!r} (sheets: {', '.join(names)})",
                              f"{f.name}：没有名为 {chosen} 的工作表（现有：{'、'.join(names)}）")
        raw = None
        for candidate in ([chosen] if chosen else names):
            table = reader.load_sheet(candidate, header_row=None, dtypes="string").to_arrow()
            if table.num_rows:
                raw, chosen = pl.from_arrow(table), candidate
                break
    except IngestError:
        raise
    except Exception as e:  # fastexcel raises its own error types for broken workbooks
        raise IngestError(f"{f.name}: unreadable workbook ({str(e).splitlines()[0][:160]})",
                          f"{f.name}：无法读取的 Excel 文件（{str(e).splitlines()[0][:160]}）") from None
    if raw is None:
        raise IngestError(f"{f.name}: every sheet is empty", f"{f.name}：所有工作表都是空的")
    raw = raw.select(pl.all().cast(pl.String))
    head = [list(r) for r in raw.head(HEADER_SCAN_ROWS).iter_rows()]
    header_index = _pick_header(head, score)
    header = _unique_headers(head[header_index])
    frame = raw.slice(header_index + 1)
    frame.columns = header
    frame = frame.with_columns(
        (pl.int_range(0, frame.height, dtype=pl.Int64) + header_index + 2).alias(ROW),
        pl.col(header).str.strip_chars(" \t\r\n").replace("", None),
    )
    blank = pl.all_horizontal(pl.col(c).is_null() for c in header)
    return frame.filter(~blank), header_index + 1, chosen


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _frame(records: list[dict], geometries: list | None = None) -> pl.DataFrame:
    keys = _unique_headers(list(dict.fromkeys(k for r in records for k in r)))
    raw_keys = list(dict.fromkeys(k for r in records for k in r))
    columns = {new: [_cell(r.get(old)) for r in records] for new, old in zip(keys, raw_keys)}
    columns[ROW] = list(range(1, len(records) + 1))
    if geometries is not None:
        columns[GEOMETRY] = [None if g is None else json.dumps(g) for g in geometries]
    schema = {k: pl.String for k in keys} | {ROW: pl.Int64} | ({GEOMETRY: pl.String} if geometries is not None else {})
    return pl.DataFrame(columns, schema=schema)


def _read_json(text: str, name: str) -> tuple[pl.DataFrame, str]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise IngestError(f"{name}: invalid JSON (line {e.lineno}, column {e.colno}: {e.msg})",
                          f"{name}：JSON 格式错误（第 {e.lineno} 行第 {e.colno} 列）") from None
    if isinstance(doc, dict) and doc.get("type") in ("FeatureCollection", "Feature"):
        features = doc.get("features") if doc["type"] == "FeatureCollection" else [doc]
        if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
            raise IngestError(f"{name}: a FeatureCollection without a list of features",
                              f"{name}：GeoJSON 缺少要素列表")
        props = [f.get("properties") if isinstance(f.get("properties"), dict) else {} for f in features]
        return _frame(props, [f.get("geometry") for f in features]), "geojson"
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        doc = lists[0] if len(lists) == 1 else doc
    if isinstance(doc, list) and all(isinstance(x, dict) for x in doc):
        return _frame(doc), "json"
    raise IngestError(f"{name}: JSON that is neither a list of records nor GeoJSON",
                      f"{name}：JSON 既不是记录列表也不是 GeoJSON")


def _zip_has_shapefile(data: bytes) -> bool:
    try:
        return any(n.lower().endswith(".shp") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return False


def _read_shapefile(files: list[Upload], main: Upload) -> tuple[pl.DataFrame, str | None]:
    import shapefile

    parts = {PurePath(f.name).suffix.lower(): f.data for f in files}
    if main.name.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(main.data))
            shp = [n for n in archive.namelist() if n.lower().endswith(".shp")]
            if len(shp) != 1:
                raise IngestError(f"{main.name}: the archive must hold exactly one .shp ({len(shp)} found)",
                                  f"{main.name}：压缩包中应恰有一个 .shp 文件（现有 {len(shp)} 个）")
            stem = shp[0][:-4]
            parts = {n[len(stem):].lower(): archive.read(n) for n in archive.namelist()
                     if n.startswith(stem) and n[len(stem):].lower() in SHAPE_PARTS}
        except zipfile.BadZipFile:
            raise IngestError(f"{main.name}: a broken zip archive", f"{main.name}：压缩包已损坏") from None
    prj = parts.get(".prj", b"").decode("latin-1")
    if "PROJCS" in prj.upper():
        raise IngestError(f"{main.name}: projected coordinates ({prj[8:60]}…); export in longitude/latitude",
                          f"{main.name}：投影坐标系，请导出为经纬度（WGS-84 或 GCJ-02）")
    encoding = parts.get(".cpg", b"").decode("ascii", "ignore").strip() or None
    tried = [encoding] if encoding else ["utf-8", "gbk"]
    for enc in tried:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")   # pyshp only warns about a header that lies about the size
                reader = shapefile.Reader(shp=io.BytesIO(parts[".shp"]),
                                          shx=io.BytesIO(parts[".shx"]) if ".shx" in parts else None,
                                          dbf=io.BytesIO(parts[".dbf"]) if ".dbf" in parts else None, encoding=enc)
                shapes = [s.__geo_interface__ if s.shapeType != shapefile.NULL else None for s in reader.iterShapes()]
                records = [r.as_dict() for r in reader.iterRecords()] if ".dbf" in parts else [{} for _ in shapes]
            break
        except UnicodeDecodeError:
            continue
        except Exception as e:  # pyshp raises plain exceptions for broken files
            raise IngestError(f"{main.name}: unreadable shapefile ({str(e).splitlines()[0][:160]})",
                              f"{main.name}：无法读取的 shapefile（{str(e).splitlines()[0][:160]}）") from None
    else:
        raise IngestError(f"{main.name}: the attribute table is neither UTF-8 nor GBK",
                          f"{main.name}：属性表既不是 UTF-8 也不是 GBK 编码")
    if len(records) != len(shapes):
        raise IngestError(f"{main.name}: {len(shapes)} shapes but {len(records)} attribute rows",
                          f"{main.name}：图形 {len(shapes)} 个而属性 {len(records)} 行，不一致")
    return _frame(records, shapes), enc if ".dbf" in parts else None
