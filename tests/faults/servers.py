"""Misbehaving TCP servers for the model-server faults the replayed Ollama cannot play."""

from __future__ import annotations

import socket
import struct
import threading


class BadServer:
    """A 127.0.0.1 listener that mistreats every connection.

    mode: "reset"   accept, then close with a TCP RST before any byte;
          "silent"  accept and read, never answer;
          "garbage" answer bytes that are not HTTP;
          "html"    answer 200 with an HTML page (another program on Ollama's port).
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.held: list[socket.socket] = []
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.connections += 1
            try:
                if self.mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    conn.close()
                elif self.mode == "silent":
                    self.held.append(conn)
                elif self.mode == "garbage":
                    conn.recv(65536)
                    conn.sendall(b"\x00\xff SSH-2.0-OpenSSH_9.6\r\n\x01\x02\x03 not http at all\r\n\r\n")
                    conn.close()
                elif self.mode == "html":
                    conn.recv(65536)
                    body = b"<html><body><h1>It works!</h1></body></html>"
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                                 b"Connection: close\r\n\r\n%s" % (len(body), body))
                    conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
        for conn in self.held:
            try:
                conn.close()
            except OSError:
                pass
        self._thread.join(2)

    def __enter__(self) -> "BadServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
