"""An ssh ProxyCommand that delays every chunk by half a round trip each way.

``ProxyCommand python3 benchmarks/delay_proxy.py %h %p 100`` gives a connection to a loopback
sshd a 100 ms round trip, without touching the machine's network settings: the delay is in
this process, between ssh's stdin/stdout and the TCP connection.
"""

from __future__ import annotations

import os
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable

CHUNK = 65536


def relay(read: Callable[[], bytes], write: Callable[[bytes], None], delay_s: float) -> None:
    """Copy chunks from read to write, each one delay_s after it was read; an empty chunk (end
    of input) is passed on as well, then the relay stops."""
    pending: queue.Queue[tuple[float, bytes]] = queue.Queue()

    def reader() -> None:
        while True:
            try:
                data = read()
            except OSError:
                data = b""
            pending.put((time.monotonic() + delay_s, data))
            if not data:
                return

    threading.Thread(target=reader, daemon=True).start()
    while True:
        due, data = pending.get()
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        write(data)
        if not data:
            return


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def main() -> int:
    host, port, rtt_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    if not host.startswith("127."):
        print(f"delay_proxy: {host}: loopback addresses only", file=sys.stderr)
        return 2
    one_way = rtt_ms / 2000.0
    connection = socket.create_connection((host, port))

    def to_host(data: bytes) -> None:
        if data:
            connection.sendall(data)
        else:
            connection.shutdown(socket.SHUT_WR)

    def to_ssh(data: bytes) -> None:
        if data:
            write_all(1, data)

    outgoing = threading.Thread(
        target=relay, args=(lambda: os.read(0, CHUNK), to_host, one_way), daemon=True
    )
    outgoing.start()
    relay(lambda: connection.recv(CHUNK), to_ssh, one_way)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
