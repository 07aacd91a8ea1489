#!/usr/bin/python3
"""tests/lib/board_mail.py DIR RCPT [TEXT]: the mails the test SMTP server
(scripts/smtp-sink.py) kept in DIR for RCPT, decoded: prints how many there
are (holding TEXT, when given), then each one's subject and body, a line of
"----" between them.  RCPT "*" is every recipient."""
import email
import email.policy
import glob
import json
import os
import sys

folder, rcpt = sys.argv[1], sys.argv[2]
text = sys.argv[3] if len(sys.argv) > 3 else None
found = []
for meta in sorted(glob.glob(os.path.join(folder, "*.json"))):
    try:
        with open(meta) as f:
            tos = json.load(f).get("rcpt_tos", [])
        with open(meta[:-5] + ".eml", "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
    except (OSError, ValueError):
        continue
    if rcpt != "*" and rcpt not in tos:
        continue
    part = msg.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    subject = str(msg.get("Subject", ""))
    if text is not None and text not in body and text not in subject:
        continue
    found.append((",".join(tos), subject, body))
print(len(found))
for to, subject, body in found:
    print("To: " + to)
    print("Subject: " + subject)
    print(body)
    print("----")
