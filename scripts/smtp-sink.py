#!/usr/bin/python3
"""A receiving SMTP server on loopback, for `make run` and the tests.

    smtp-sink.py --port N --dir DIR [--tls-cert CERT --tls-key KEY]
                 [--defer ADDR]... [--refuse ADDR]...

Debian's aiosmtpd (python3-aiosmtpd) takes each mail and this handler
writes it into DIR as NNNNNN.eml (the message as received) beside
NNNNNN.json (the envelope: sender, recipients, the time, whether the
session was in TLS), numbered in the order received.  With a
certificate it offers STARTTLS and requires it before MAIL FROM, as a
real submission server does.  For the tests of the mailer, --defer
ADDR answers RCPT TO:<ADDR> with 450 (try again later) and --refuse
ADDR with 550 (no such user), each time.  It stops on SIGTERM.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import threading
import time

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory, defer=(), refuse=()):
        self.dir = directory
        self.defer = set(a.lower() for a in defer)
        self.refuse = set(a.lower() for a in refuse)
        self.lock = threading.Lock()
        os.makedirs(directory, exist_ok=True)
        names = [n for n in os.listdir(directory) if n.endswith(".eml")]
        self.n = len(names)

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address.lower() in self.defer:
            return "450 4.2.1 Mailbox busy, try again later"
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            base = os.path.join(self.dir, "%06d" % self.n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "received": time.time(),
            "tls": session.ssl is not None,
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--defer", action="append", default=[])
    ap.add_argument("--refuse", action="append", default=[])
    a = ap.parse_args()
    kw = {}
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        kw = {"tls_context": ctx, "require_starttls": True}
    c = Controller(Store(a.dir, a.defer, a.refuse), hostname="127.0.0.1",
                   port=a.port, ready_timeout=10, **kw)
    c.start()
    print("smtp-sink: listening on 127.0.0.1:%d, writing to %s%s"
          % (a.port, a.dir, " (STARTTLS required)" if a.tls_cert else ""),
          flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    c.stop()


if __name__ == "__main__":
    main()
