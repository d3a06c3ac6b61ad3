"""The use case, once: read the text safely → find the block → analyse → draft → render → plan the edit →
write. The language server, the CLI and the batch runner only translate their interface to and from here.
Nothing in this package imports pygls or lsprotocol."""
