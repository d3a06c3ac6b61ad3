"""What the language server keeps between requests is bounded."""

from __future__ import annotations

from blockguide.core.types import Example, Guide
from blockguide.lsp import server as server_module
from blockguide.lsp.server import BlockguideServer


def _guide(i: int) -> Guide:
    return Guide(title=f"g{i}", description="d", steps=(), example=Example("python", "x = 1"), model="none")


def test_preview_guides_are_kept_per_document_up_to_a_limit_newest_first():
    ls = BlockguideServer()
    for i in range(server_module.MAX_PREVIEWS + 10):
        ls.keep_preview("file:///a.py", f"h{i}", _guide(i))
    ls.keep_preview("file:///b.py", "h0", _guide(0))
    kept = ls.previews["file:///a.py"]
    assert len(kept) == server_module.MAX_PREVIEWS
    newest = server_module.MAX_PREVIEWS + 9
    assert kept.get(f"h{newest}").title == f"g{newest}" and kept.get("h0") is None  # the oldest went
    assert ls.previews["file:///b.py"].get("h0") is not None  # another document's are its own
    ls.forget("file:///a.py")  # closed by the editor: nothing of it is kept
    assert "file:///a.py" not in ls.previews
