#!/usr/bin/python3
"""The mail scripts/smtp-sink.py received (DIR/NNNNNN.eml beside
NNNNNN.json), read for the stack suites.

    mailbox.py DIR text RCPT      the text of the last mail to RCPT
    mailbox.py DIR password RCPT  the password that mail gives
    mailbox.py DIR ids            each mail's Message-ID, a line each
    mailbox.py DIR check LIST     the mails are exactly one to each
                                  address of the file LIST (a line
                                  "ADDRESS ID" each), each to that one
                                  address alone and holding that ID

check prints one line per problem, at most 20, and exits 1 if there is
any: an envelope with more than one recipient, a recipient twice or not
in LIST, an address of LIST that got nothing, a To: other than the
envelope's, a Cc or Bcc header, a Message-ID seen twice, a text without
"ID: <its ID>" or with another account's ID, or a password line missing.
"""
import email
import email.policy
import json
import os
import re
import sys


def mails(d):
    for n in sorted(os.listdir(d)):
        if not n.endswith(".json"):
            continue
        base = os.path.join(d, n[:-5])
        with open(base + ".json") as f:
            meta = json.load(f)
        with open(base + ".eml", "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        yield n[:-5], meta, msg


def text(msg):
    return msg.get_body(("plain",)).get_content()


def last_to(d, rcpt):
    found = None
    for _, meta, msg in mails(d):
        if meta["rcpt_tos"] == [rcpt]:
            found = msg
    if found is None:
        sys.exit("no mail to %s" % rcpt)
    return found


ID_RE = re.compile(r"^\s*ID:\s+(\S+)\s*$", re.M)
PW_RE = re.compile(r"^\s*パスワード:\s+(\S+)\s*$", re.M)


def check(d, listfile):
    want = {}
    with open(listfile) as f:
        for line in f:
            addr, login = line.split()
            want[addr] = login
    problems = []
    seen, ids = {}, {}
    for name, meta, msg in mails(d):
        rc = meta["rcpt_tos"]
        if len(rc) != 1:
            problems.append("%s: %d recipients %s" % (name, len(rc), rc))
            continue
        addr = rc[0]
        if addr in seen:
            problems.append("%s: %s had a mail already (%s)" % (name, addr, seen[addr]))
        seen[addr] = name
        if addr not in want:
            problems.append("%s: %s is not in the list" % (name, addr))
        to = msg.get_all("To", [])
        if len(to) != 1 or to[0].addresses[0].addr_spec != addr:
            problems.append("%s: To: %s for the envelope's %s" % (name, to, addr))
        for h in ("Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"):
            if msg.get(h) is not None:
                problems.append("%s: has a %s header" % (name, h))
        mid = msg.get("Message-ID")
        if mid in ids:
            problems.append("%s: Message-ID %s also in %s" % (name, mid, ids[mid]))
        ids[mid] = name
        t = text(msg)
        got = ID_RE.findall(t)
        if got != [want.get(addr)]:
            problems.append("%s: to %s holds IDs %s, not [%s]" % (name, addr, got, want.get(addr)))
        if len(PW_RE.findall(t)) != 1:
            problems.append("%s: no password line" % name)
        others = [a for a in re.findall(r"[\w.+-]+@[\w.-]+", t) if a != addr and a in want]
        if others:
            problems.append("%s: names other addresses %s" % (name, others[:3]))
    for addr in want:
        if addr not in seen:
            problems.append("%s got no mail" % addr)
    for p in problems[:20]:
        print(p)
    if len(problems) > 20:
        print("... %d problems in all" % len(problems))
    return 1 if problems else 0


def main():
    d, cmd = sys.argv[1], sys.argv[2]
    if cmd == "text":
        print(text(last_to(d, sys.argv[3])))
    elif cmd == "password":
        m = PW_RE.findall(text(last_to(d, sys.argv[3])))
        if len(m) != 1:
            sys.exit("no password in the mail to %s" % sys.argv[3])
        print(m[0])
    elif cmd == "ids":
        for _, _, msg in mails(d):
            print(msg.get("Message-ID"))
    elif cmd == "check":
        sys.exit(check(d, sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
