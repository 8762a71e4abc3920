"""Zip members that lie about their size or are not files, and text that is not language."""

import io
import random
import stat
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from speeches.importing import ImportOptions, import_upload
from speeches.models import Speech
from speeches.parsing import UnreadableFile
from speeches.parsing.decoding import decode_text
from tests.corpus import CORPUS

SPEECH = "同志们：\n今天召开会议。\n一、抓好招商\n要确保完成全年招商引资任务。\n二、抓好落实\n要加强督查。"
MB = 1024 * 1024


def lying_zip(inflated: int, claimed: int) -> bytes:
    """A member whose local header and central directory claim `claimed` bytes; it inflates to `inflated`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("good.txt", SPEECH.encode())
        archive.writestr("bomb.txt", "发展".encode() * (inflated // 6))
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        local = archive.getinfo("bomb.txt").header_offset
    struct.pack_into("<I", data, local + 22, claimed)  # the local header's uncompressed size
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == b"bomb.txt":
            struct.pack_into("<I", data, position + 24, claimed)  # the central directory's
        position += 4
    return bytes(data)


@pytest.mark.django_db
def test_a_member_that_lies_about_its_size_is_never_inflated_whole(settings, monkeypatch):
    settings.SPEECHES_MAX_FILE_BYTES = MB
    data = lying_zip(inflated=50 * MB, claimed=1000)
    assert len(data) < MB  # the archive itself passes the size check
    inflated = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = real_read(self, n)
        inflated.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    # Extraction loads its dictionaries once (tens of MB); do that before memory is measured.
    import_upload("warm-up.txt", SPEECH.encode(), ImportOptions(dry_run=True))
    tracemalloc.start()
    outcomes = import_upload("lying.zip", data, ImportOptions())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    errors = {o.path: o.error for o in outcomes}
    assert errors["lying.zip/good.txt"] is None
    assert "lying.zip/bomb.txt：" in errors["lying.zip/bomb.txt"]
    assert "已跳过" in errors["lying.zip/bomb.txt"]
    assert sum(inflated) <= MB + 1
    assert peak < 20 * MB  # far below the 50 MB the member holds
    assert list(Speech.objects.values_list("source_name", flat=True)) == ["good.txt"]


@pytest.mark.django_db
def test_a_member_bigger_than_the_limit_is_refused_without_reading_it(settings):
    settings.SPEECHES_MAX_FILE_BYTES = MB
    data = lying_zip(inflated=3 * MB, claimed=3 * MB)
    errors = {o.path: o.error for o in import_upload("big.zip", data, ImportOptions())}
    assert "超过上限" in errors["big.zip/bomb.txt"]
    assert errors["big.zip/good.txt"] is None


def special_member(name: str, mode: int, content: bytes) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info, content


@pytest.mark.django_db
def test_symlinks_and_special_members_are_refused_not_imported():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info, content in (
            special_member("link.txt", stat.S_IFLNK | 0o777, b"/etc/passwd"),
            special_member("fifo.txt", stat.S_IFIFO | 0o644, b""),
            special_member("device.txt", stat.S_IFCHR | 0o644, b""),
            special_member("speech.txt", stat.S_IFREG | 0o644, SPEECH.encode()),
        ):
            archive.writestr(info, content)
    errors = {o.path: o.error for o in import_upload("links.zip", buffer.getvalue(), ImportOptions())}
    assert "符号链接" in errors["links.zip/link.txt"]
    assert "特殊文件" in errors["links.zip/fifo.txt"]
    assert "特殊文件" in errors["links.zip/device.txt"]
    assert errors["links.zip/speech.txt"] is None
    assert Speech.objects.count() == 1


def noise_gb2312(size: int, seed: int = 7, rows: tuple[int, int] = (0xB0, 0xF7)) -> bytes:
    """Random GB2312 characters: a row byte (B0–F7 are the characters' rows) and a cell byte."""
    rng = random.Random(seed)
    return b"".join(bytes((rng.randint(*rows), rng.randint(0xA1, 0xFE))) for _ in range(size // 2))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"a" * (19 * MB), "连续重复"),
        (b"ab " * 2000, "汉字太少"),
        (noise_gb2312(200_000), "生僻字"),
        # Only first-level (common) characters, but spread evenly as no language is.
        (noise_gb2312(200_000, rows=(0xB0, 0xD7)), "字频分布像随机数据"),
        (("要确保完成全年招商引资任务，加快推进产业转型升级。" * 2000).encode(), "同一段文字反复出现"),
    ],
    ids=["one-letter-19MiB", "latin-pattern", "random-gb2312", "random-common-characters", "repeated-phrase"],
)
def test_text_that_is_not_language_is_refused(data, reason):
    with pytest.raises(UnreadableFile) as caught:
        decode_text(data, "噪声.txt")
    assert str(caught.value).startswith("噪声.txt：文件内容不像讲话文字")
    assert reason in str(caught.value)


@pytest.mark.django_db
def test_random_bytes_do_not_import_as_a_speech():
    (outcome,) = import_upload("random.txt", noise_gb2312(2 * MB), ImportOptions())
    assert "不像讲话文字" in outcome.error
    assert Speech.objects.count() == 0


CORPUS_TEXTS = sorted(p for p in CORPUS.rglob("*.txt"))


@pytest.mark.corpus
def test_every_real_text_of_the_corpus_reads_as_language():
    assert len(CORPUS_TEXTS) > 60
    assert any(path.parent.name == "national" for path in CORPUS_TEXTS)
    gbk = [path for path in CORPUS_TEXTS if _not_utf8(path)]
    assert gbk  # the GB18030/GBK files of city/ are among them
    refused = {}
    for path in CORPUS_TEXTS:
        try:
            decode_text(path.read_bytes(), path.name)
        except UnreadableFile as error:
            refused[path.name] = str(error)
    assert refused == {}


def _not_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
