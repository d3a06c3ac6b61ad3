"""The server decides a `.h` file's language itself: VS Code sends languageId "c" for every `.h`."""

from __future__ import annotations

from types import SimpleNamespace

from blockguide.lsp.documents import Documents


def _documents(uri: str, language_id: str, text: str) -> Documents:
    doc = SimpleNamespace(language_id=language_id, source=text, version=1)
    workspace = SimpleNamespace(text_documents={uri: doc})
    return Documents(lambda: workspace)


def test_a_cpp_header_sent_as_c_is_cpp(tmp_path):
    uri = (tmp_path / "buffer.h").as_uri()
    docs = _documents(uri, "c", "class Buffer {\n public:\n  int size() const { return n_; }\n};\n")
    assert docs.language_of(uri).key == "cpp"
    assert docs.source(uri).lang.key == "cpp"


def test_a_c_header_stays_c_and_other_files_keep_the_editors_language(tmp_path):
    uri = (tmp_path / "buffer.h").as_uri()
    assert _documents(uri, "c", "int size(const struct buffer *b);\n").language_of(uri).key == "c"
    uri = (tmp_path / "a.py").as_uri()
    assert _documents(uri, "python", "x = 1\n").language_of(uri).key == "python"
