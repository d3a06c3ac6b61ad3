"""The analysis and rendering core. Nothing here knows about LSP or the model server."""
