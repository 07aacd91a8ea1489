#!/usr/bin/python3
"""The agency's account list, made from Japan's local governments as open
data (../shared/testdata/localgovjp), for the import tests.

    account_list.py current OUT.csv    1,741 municipalities and the 47
                                       prefectures of the current edition,
                                       UTF-8 with a byte-order mark
    account_list.py 2019 OUT.csv       the same from the 2019 edition,
                                       saved as Excel in Japan saves CSV:
                                       Shift_JIS (CP932), CRLF, every
                                       field quoted
    Options: --domain D (default example.lg.jp): addresses are made up,
    one per government, <code>@D; --change-email CODE puts another
    address on that code's row.

Columns: 団体コード,団体名,都道府県,メールアドレス.  Wards of designated
cities (a space in the name: 札幌市 中央区) are not local governments and
get no account.
"""
import argparse
import csv
import io
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "shared", "testdata", "localgovjp")


def check_digit(five):
    s = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2)))
    return str((11 - s % 11) % 10)


def rows(edition):
    out = []
    with open(os.path.join(DATA, "prefjp-utf8.csv"), encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            code = r["lgcode"].zfill(6)
            out.append((code, r["pref"], r["pref"]))
    if edition == "current":
        path, enc = "localgovjp-utf8.csv", "utf-8-sig"
    else:
        path, enc = "localgovjp-2019-sjis.csv", "cp932"
    with open(os.path.join(DATA, path), encoding=enc) as f:
        for r in csv.DictReader(f):
            if " " in r["city"]:
                continue
            if "lgcode" in r and r["lgcode"]:
                code = r["lgcode"].zfill(6)
            else:
                five = r["cid"].zfill(5)
                code = five + check_digit(five)
            out.append((code, r["city"], r["pref"]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("edition", choices=["current", "2019"])
    ap.add_argument("out")
    ap.add_argument("--domain", default="example.lg.jp")
    ap.add_argument("--change-email", action="append", default=[])
    a = ap.parse_args()
    buf = io.StringIO()
    quoting = csv.QUOTE_ALL if a.edition == "2019" else csv.QUOTE_MINIMAL
    w = csv.writer(buf, lineterminator="\r\n", quoting=quoting)
    w.writerow(["団体コード", "団体名", "都道府県", "メールアドレス"])
    for code, name, pref in rows(a.edition):
        email = "%s@%s" % (code, a.domain)
        if code in a.change_email:
            email = "%s-new@%s" % (code, a.domain)
        w.writerow([code, name, pref, email])
    data = buf.getvalue()
    if a.edition == "2019":
        raw = data.encode("cp932")
    else:
        raw = "\ufeff".encode("utf-8") + data.encode("utf-8")
    with open(a.out, "wb") as f:
        f.write(raw)


if __name__ == "__main__":
    main()
