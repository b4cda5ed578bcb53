"""What an uploaded scan really is, judged from its first bytes, never from its name; the content
types of the files the portal hands out."""

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_SCAN_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""The content type of the Excel files the portal hands out."""


def sniff(head: bytes) -> str | None:
    """The content type of a PDF, JPEG or PNG from its leading bytes; None for anything else."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def check_scan(data: bytes) -> str:
    """The content type of an acceptable scan, or ValueError saying in Chinese what is wrong."""
    if not data:
        raise ValueError("上传的文件是空的。")
    if len(data) > MAX_SCAN_BYTES:
        raise ValueError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），扫描件不能超过10 MB。")
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValueError("只能上传 PDF、JPEG 或 PNG 格式的扫描件（按文件内容判断，而非文件名）。")
    return content_type
