import pytest

from portal.domain.files import MAX_SCAN_BYTES, check_scan, sniff


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a", None),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_sniff_by_content(head, expected):
    assert sniff(head) == expected


def test_a_renamed_file_is_refused():
    with pytest.raises(ValueError, match="PDF、JPEG 或 PNG"):
        check_scan(b"This is really a text file named scan.pdf")


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(ValueError, match="空的"):
        check_scan(b"")
    with pytest.raises(ValueError, match="不能超过10 MB"):
        check_scan(b"%PDF-" + b"0" * MAX_SCAN_BYTES)
    assert check_scan(b"%PDF-" + b"0" * (MAX_SCAN_BYTES - 5)) == "application/pdf"
