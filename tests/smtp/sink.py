#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): accepts every message on 127.0.0.1:PORT and
stores each one, exactly as received, as a .eml file in DIR (written under a temporary name,
then renamed, so a reader never sees half a message). Prints "ready" once it listens; stops on
SIGTERM or SIGINT.

    python3 tests/smtp/sink.py --port 2525 --dir /tmp/mail
"""

import argparse
import pathlib
import signal
import threading
import time
import uuid

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory: pathlib.Path):
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / name)
        return "250 OK stored"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    directory = pathlib.Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    controller = Controller(Store(directory), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
