"""案卷导出: one case file as a ZIP a reviewer, a court or an auditor can check without phaseout.

The archive holds the documents (``documents/``), the evidence (``evidence/``), every event with
its hashes (``events.json``), the chain's verification at export time with its head and the
algorithm (``chain.json``), the case's own fields (``case.json``) and a README in Chinese saying
how to recompute the chain by hand. ``events.json`` holds, for each event, exactly what its hash
covers (``chain.event_content``) plus the hash, so the chain can be recomputed from that file
alone.

Names inside the archive come from document numbers and uploaded file names: they are reduced to
a plain file name (no directory, no ``..``, no control characters), so unpacking the archive
cannot write outside its folder. Chinese names are kept.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

from django.utils import timezone

from phaseout.enforcement.chain import GENESIS, event_content, verify
from phaseout.enforcement.filenames import safe_name
from phaseout.enforcement.models import Case

# Names Windows refuses as file names, whatever their extension.

ALGORITHM = {
    "hash": "SHA-256",
    "content": (
        "每个事件的哈希 = SHA-256(事件内容的规范JSON的UTF-8字节)。事件内容为 events.json 中该事件去掉"
        " hash 字段后的对象；规范JSON：键按Unicode码点排序，分隔符为“,”和“:”且无空白，非ASCII字符"
        "原样输出不转义（Python: json.dumps(content, ensure_ascii=False, sort_keys=True,"
        " separators=(',', ':'))）。"
    ),
    "link": "每个事件的 prev 等于前一事件的 hash；第一个事件的 prev 为64个0。",
    "files": "文书和证据按其SHA-256计入所在事件的 payload.files；文件本身的SHA-256应与之相同。",
    "fields": [
        "actor",
        "actor_name",
        "at",
        "case",
        "from",
        "kind",
        "payload",
        "prev",
        "seq",
        "summary",
        "to",
    ],
    "genesis": GENESIS,
}

README = """\
案卷导出：{number}
================================

本压缩包是案件 {number}（{subject}，{dimension}）的完整案卷，导出时间 {exported_at}。
导出时系统核验结果：{verdict}

内容
----
documents/     执法文书（PDF），文件名为文号
evidence/      证据材料（企业或承办人员上传的原始文件）
events.json    案卷全部事件，按序号排列；每个事件含其哈希覆盖的全部内容和 hash
chain.json     导出时的核验结果、链头哈希（最后一个事件的 hash）、事件数、算法说明，
               以及每个文件在压缩包中的路径和 SHA-256
case.json      案件本身的各项字段

如何手工核验防篡改链
--------------------
案卷是一条哈希链：每个事件记录前一事件的哈希，任何一个事件、任何一个附件被改动，
从该处起的链就对不上。不需要本系统，用任何能计算 SHA-256 的工具即可核验：

1. 打开 events.json，按顺序取出每个事件（一个 JSON 对象）。
2. 去掉该对象中的 "hash" 字段，其余字段（case、seq、kind、at、actor、actor_name、from、
   to、summary、payload、prev）组成“事件内容”。
3. 把事件内容写成规范 JSON：所有层级的键按 Unicode 码点升序排列；键值之间用“:”，
   各项之间用“,”，不加任何空格或换行；中文等非 ASCII 字符原样写出，不写成 \\uXXXX；
   数字、true/false/null 按 JSON 标准写法。然后按 UTF-8 编码成字节。
4. 计算这些字节的 SHA-256，写成64位小写十六进制，应等于该事件的 "hash"。
5. 第一个事件的 "prev" 应为64个0；之后每个事件的 "prev" 应等于前一事件的 "hash"；
   "seq" 应从1起连续编号。
6. 最后一个事件的 "hash" 应等于 chain.json 中的 "head"。
7. 事件 payload 中 "files" 列出的每个附件（文书、证据）都有 "sha256"：对 documents/ 或
   evidence/ 中对应文件计算 SHA-256（例如 sha256sum 文件名），应与之相同；文件与哈希的
   对应关系见 chain.json 的 "files"。

用 Python 3 核验（与本系统的算法相同）：

    import hashlib, json
    events = json.load(open("events.json", encoding="utf-8"))
    prev = "0" * 64
    for n, event in enumerate(events, start=1):
        content = {{k: v for k, v in event.items() if k != "hash"}}
        data = json.dumps(content, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode("utf-8")
        assert event["seq"] == n and event["prev"] == prev, event["seq"]
        assert hashlib.sha256(data).hexdigest() == event["hash"], event["seq"]
        prev = event["hash"]
    print("链完整，链头", prev)

以上任何一步不符，说明案卷在该事件处（或其附件）被改动过。
"""


class _Names:
    """Unique archive paths within each folder (case-insensitively: 报告.PDF and 报告.pdf clash
    on Windows and macOS)."""

    def __init__(self):
        self.taken: set[str] = set()

    def path(self, folder: str, name: str) -> str:
        name = safe_name(name)
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 1
        while f"{folder}/{candidate}".casefold() in self.taken:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        self.taken.add(f"{folder}/{candidate}".casefold())
        return f"{folder}/{candidate}"


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _read(field_file) -> bytes | None:
    try:
        field_file.open("rb")
    except FileNotFoundError:
        return None
    try:
        return field_file.read()
    finally:
        field_file.close()


def case_fields(case: Case) -> dict:
    """The case's stored fields (foreign keys as ids), with the names they refer to."""
    fields = {f.attname: _jsonable(getattr(case, f.attname)) for f in case._meta.concrete_fields}
    fields["findings"] = sorted(case.findings.values_list("pk", flat=True))
    return {
        "fields": fields,
        "display": {
            "state": str(case.get_state_display()),
            "dimension": str(case.get_dimension_display()),
            "enterprise": case.enterprise.name,
            "credit_code": case.enterprise.credit_code,
            "line": case.line.code if case.line_id else None,
            "region": case.region.name,
            "department": case.department.name,
            "due_kind": str(case.get_due_kind_display()) if case.due_kind else "",
        },
    }


def export_case(case: Case) -> bytes:
    """The case file of ``case`` as a ZIP archive (see the module's docstring)."""
    case = Case.objects.select_related("enterprise", "line", "region", "department").get(pk=case.pk)
    now = timezone.localtime()
    verification = verify(case)
    events = list(case.events.order_by("seq"))
    filed_in = {}
    for event in events:
        for attached in event.payload.get("files", []):
            filed_in.setdefault(attached.get("sha256"), event.seq)

    stamp = now.timetuple()[:6]
    buffer = io.BytesIO()
    names = _Names()
    files = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(path: str, data: bytes) -> None:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        stored = [
            ("documents", "document", d, f"{d.number}.pdf", d.number) for d in case.documents.all()
        ]
        stored += [("evidence", "evidence", e, e.name, e.name) for e in case.evidence.all()]
        for folder, kind, row, filename, label in stored:
            data = _read(row.file)
            path = names.path(folder, filename)
            if data is not None:
                put(path, data)
            files.append(
                {
                    "path": path if data is not None else None,
                    "kind": kind,
                    "name": label,
                    "sha256": row.sha256,
                    "event_seq": filed_in.get(row.sha256),
                    "present": data is not None,
                }
            )

        put(
            "events.json",
            _dump([{**event_content(event), "hash": event.hash} for event in events]),
        )
        put(
            "chain.json",
            _dump(
                {
                    "case": case.number,
                    "exported_at": now.isoformat(),
                    "verification": verification.as_dict(),
                    "head": case.chain_head,
                    "event_count": case.event_count,
                    "algorithm": ALGORITHM,
                    "files": files,
                }
            ),
        )
        put("case.json", _dump(case_fields(case)))
        verdict = (
            f"完整（{verification.events} 个事件）"
            if verification.ok
            else f"未通过：第 {verification.broken_seq} 号事件，{verification.reason}"
            if verification.broken_seq
            else f"未通过：{verification.reason}"
        )
        put(
            "README.txt",
            README.format(
                number=case.number,
                subject=case.subject_label,
                dimension=case.get_dimension_display(),
                exported_at=now.strftime("%Y-%m-%d %H:%M:%S %z"),
                verdict=verdict,
            ).encode("utf-8"),
        )
    return buffer.getvalue()


def _dump(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
