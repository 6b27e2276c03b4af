"""The file-system storage: safe names, atomic writes, the service and the docs."""

import os

import pytest
from tests_helpers import run_doc

from rustforge.storage import FileSystemStorage, SuspiciousFileName, clean_name


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", "..", ".", "",
                                  "a\\b", "C:/x", "c:", "a\x00b", "a\nb", "x" * 1025, None, 3])
def test_unsafe_names_are_refused(name):
    with pytest.raises(SuspiciousFileName):
        clean_name(name)


def test_names_are_normalised():
    assert clean_name("./a//b/./c.txt") == "a/b/c.txt"
    assert clean_name("a/b..c") == "a/b..c"


def test_symlink_out_of_the_root_is_refused(tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    storage = FileSystemStorage(root)
    with pytest.raises(SuspiciousFileName):
        storage.save("link/stolen.txt", b"x")
    assert list(outside.iterdir()) == []


def test_failed_write_leaves_nothing(tmp_path):
    storage = FileSystemStorage(tmp_path)
    storage.save("keep.txt", b"old")
    with pytest.raises(RuntimeError), storage.writer("keep.txt") as out:
        out.write(b"half")
        raise RuntimeError("disk full")
    assert storage.open("keep.txt").read() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["keep.txt"]


def test_save_takes_bytes_files_and_chunks(tmp_path):
    import io

    storage = FileSystemStorage(tmp_path)
    storage.save("a", b"1")
    storage.save("b", io.BytesIO(b"2" * 100_000))
    storage.save("c", iter([b"3", b"4"]))
    assert [storage.size(n) for n in "abc"] == [1, 100_000, 2]
    assert oct(os.stat(tmp_path / "a").st_mode & 0o777) == "0o640"
    assert not storage.delete("missing")


def test_service_follows_the_settings(storage, settings, tmp_path):
    from rustforge.services import services

    assert services.get("storage") is storage
    assert storage.root == (tmp_path / "storage").resolve()
    settings.STORAGE_ROOT = str(tmp_path / "elsewhere")
    assert services.get("storage").root == (tmp_path / "elsewhere").resolve()


def test_docs_examples_run():
    run_doc("storage.md", min_blocks=2)
