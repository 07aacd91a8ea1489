/*
 * Kakehashi default theme: site search, progressive enhancement only.
 * Without JavaScript there is no search form and nothing else changes.
 *
 * - the form goes into the header; the index, search-index.js at the
 *   site's root (gen/feeds.c writes it, public pages only), is loaded on
 *   first use with a <script> element, which also works from file://,
 *   and then the parts it names (search-index/*.js) the same way, all at
 *   once; their pages, in the order named, are the site's
 * - a query is folded as lib/jtext.c folds with JTEXT_SEARCH (half-width
 *   katakana with its voiced marks, full-width ASCII, katakana to
 *   hiragana, ASCII case), split at spaces, and every part must occur in
 *   the folded title, description or text: a match of characters with no
 *   word segmentation, so any run of characters in a word finds it
 * - gen made the index's half-width katakana full-width, so folding its
 *   text here keeps every character where it is, and the <mark>s of a
 *   result fall on the characters matched
 * - the count is announced by a role="status" line; results are links
 *   relative to this page; Escape in the results returns to the field
 */
(function () {
  'use strict';

  var doc = document;
  var SELF = 'assets/js/search.js';
  var INDEX = 'search-index.js';
  var BATCH = 20;		/* results shown at a time */
  var SNIPPET = 110;		/* characters of text around a match */
  var BEFORE = 30;		/* of which before it */
  var DELAY = 250;		/* ms of quiet typing before searching */
  var MAX_QUERY = 200;		/* characters of a query looked at */

  var me = doc.currentScript;
  if (!me || !me.getAttribute('src'))
    me = doc.querySelector('script[src$="' + SELF + '"]');
  var src = me ? me.getAttribute('src') : '';
  var header = doc.querySelector('.site-header-inner');
  if (src.slice(-SELF.length) !== SELF || !header || !doc.querySelector ||
      !Array.prototype.forEach)
    return;
  /* The relative prefix to the site's root, as the page wrote it. */
  var root = src.slice(0, -SELF.length);

  /* ---- Folding (as lib/jtext.c) --------------------------------------- */

  /* Half-width katakana U+FF61-U+FF9F as full-width characters. */
  var HALF = [
    0x3002, 0x300c, 0x300d, 0x3001, 0x30fb, 0x30f2,
    0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30e3, 0x30e5, 0x30e7, 0x30c3,
    0x30fc,
    0x30a2, 0x30a4, 0x30a6, 0x30a8, 0x30aa, 0x30ab, 0x30ad, 0x30af, 0x30b1,
    0x30b3, 0x30b5, 0x30b7, 0x30b9, 0x30bb, 0x30bd, 0x30bf, 0x30c1, 0x30c4,
    0x30c6, 0x30c8, 0x30ca, 0x30cb, 0x30cc, 0x30cd, 0x30ce, 0x30cf, 0x30d2,
    0x30d5, 0x30d8, 0x30db, 0x30de, 0x30df, 0x30e0, 0x30e1, 0x30e2, 0x30e4,
    0x30e6, 0x30e8, 0x30e9, 0x30ea, 0x30eb, 0x30ec, 0x30ed, 0x30ef, 0x30f3,
    0x309b, 0x309c
  ];

  function markOf(c) {
    if (c === 0xff9e || c === 0x3099) return 1;	/* voiced */
    if (c === 0xff9f || c === 0x309a) return 2;	/* semi-voiced */
    return 0;
  }

  function haRow(k) {
    return k >= 0x30cf && k <= 0x30db && (k - 0x30cf) % 3 === 0;
  }

  /* The kana c with mark m as one character, or 0. */
  function compose(c, m) {
    var k = c, hira = false;
    if (c === 0x309d || c === 0x30fd) return m === 1 ? c + 1 : 0;
    if (c >= 0x3041 && c <= 0x3096) {
      k = c + 0x60;
      hira = true;
    }
    if (m === 2) return haRow(k) ? c + 2 : 0;
    if ((k >= 0x30ab && k <= 0x30c1 && (k & 1)) || k === 0x30c4 ||
        k === 0x30c6 || k === 0x30c8 || haRow(k))
      return c + 1;
    if (k === 0x30a6) return hira ? 0x3094 : 0x30f4;
    if (!hira && k >= 0x30ef && k <= 0x30f2) return k + 8;
    return 0;
  }

  /* One UTF-16 unit as JTEXT_FULLASCII, JTEXT_HIRAGANA and JTEXT_CASE
     fold it: one for one. */
  function foldUnit(c) {
    if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
    else if (c === 0x3000) return 0x20;
    if ((c >= 0x30a1 && c <= 0x30f6) || c === 0x30fd || c === 0x30fe)
      return c - 0x60;
    if (c >= 0x41 && c <= 0x5a) return c + 0x20;
    return c;
  }

  /* A query: all of JTEXT_SEARCH, JTEXT_HALFKANA first. */
  function foldQuery(s) {
    var out = [], i, c, m, k;
    for (i = 0; i < s.length; i++) {
      c = s.charCodeAt(i);
      if (c >= 0xff61 && c <= 0xff9f) c = HALF[c - 0xff61];
      if (c >= 0x3041 && c <= 0x30fd && i + 1 < s.length &&
          (m = markOf(s.charCodeAt(i + 1))) && (k = compose(c, m))) {
        c = k;
        i++;
      }
      out.push(foldUnit(c));
    }
    return String.fromCharCode.apply(null, out);
  }

  var FOLDED_UNITS = /[A-Z\u3000\u30a1-\u30f6\u30fd\u30fe\uff01-\uff5e]/g;

  function foldOne(ch) {
    return String.fromCharCode(foldUnit(ch.charCodeAt(0)));
  }

  /* Index text (gen made its half-width katakana full-width): the rest,
     one unit for one, so positions in the result are positions in s. */
  function foldText(s) {
    return s.replace(FOLDED_UNITS, foldOne);
  }

  /* ---- The form ------------------------------------------------------- */

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  var box = el('div', 'site-search');
  var form = el('form', 'search-form');
  form.setAttribute('role', 'search');
  form.setAttribute('aria-label', 'サイト内検索');
  var label = el('label', 'search-label', 'サイト内検索');
  label.htmlFor = 'site-search-input';
  var field = el('div', 'search-field');
  var input = el('input', 'search-input');
  input.type = 'search';
  input.id = 'site-search-input';
  input.name = 'q';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('enterkeyhint', 'search');
  input.setAttribute('aria-describedby', 'site-search-hint');
  var button = el('button', 'search-button', '検索');
  button.type = 'submit';
  var hint = el('p', 'visually-hidden', '入力すると、下に検索結果が表示されます。');
  hint.id = 'site-search-hint';
  field.appendChild(input);
  field.appendChild(button);
  form.appendChild(label);
  form.appendChild(field);
  form.appendChild(hint);
  box.appendChild(form);

  var results = el('div', 'search-results');
  results.id = 'site-search-results';
  var status = el('p', 'search-status');
  status.id = 'site-search-status';
  status.setAttribute('role', 'status');
  var panel = el('div', 'search-panel');
  panel.hidden = true;
  var close = el('button', 'search-close', '検索結果を閉じる');
  close.type = 'button';
  close.hidden = true;
  var list = el('ol', 'search-list');
  list.setAttribute('aria-label', '検索結果');
  var more = el('button', 'search-more');
  more.type = 'button';
  more.hidden = true;
  panel.appendChild(list);
  panel.appendChild(more);
  results.appendChild(status);
  results.appendChild(close);
  results.appendChild(panel);

  header.classList.add('has-search');
  header.appendChild(box);
  header.appendChild(results);

  /* ---- The index ------------------------------------------------------ */

  var pages = null;	/* [{t, u, d, date, x, ft, fd, fx}] once loaded */
  var loading = false;
  var failed = false;
  var pending = null;	/* a query waiting for the index */

  /* Load script `url`, then done(true), or done(false) if it fails. */
  function script(url, done) {
    var s = doc.createElement('script');
    s.src = url;
    s.async = true;
    s.onload = function () { done(true); };
    s.onerror = function () { done(false); };
    doc.head.appendChild(s);
  }

  function loaded(list) {
    loading = false;
    if (!list) {
      failed = true;
    } else {
      pages = list.map(function (p) {
        return {
          t: p[0], u: p[1], d: p[2], date: p[3], x: p[4],
          ft: foldText(p[0]), fd: foldText(p[2]), fx: foldText(p[4])
        };
      });
    }
    if (pending !== null) run(pending);
  }

  function load() {
    if (pages || loading || failed) return;
    loading = true;
    script(root + INDEX, function (ok) {
      var k = window.KAKEHASHI_SEARCH;
      if (!ok || !k || k.version !== 2 || !Array.isArray(k.parts)) {
        loaded(null);
        return;
      }
      var parts = k.parts, left = parts.length, bad = false;
      if (!left) {
        loaded([]);
        return;
      }
      parts.forEach(function (name) {
        script(root + name, function (ok) {
          bad = bad || !ok;
          if (--left) return;
          var got = window.KAKEHASHI_SEARCH_PARTS || {}, list = [];
          parts.forEach(function (n) {
            if (!Array.isArray(got[n])) bad = true;
            else list = list.concat(got[n]);
          });
          loaded(bad ? null : list);
        });
      });
    });
  }

  /* ---- Searching ------------------------------------------------------ */

  /* The part of a query looked at: MAX_QUERY code units, never half of
     a character outside the BMP. */
  function head(q) {
    var n = MAX_QUERY, c = q.charCodeAt(n);
    if (q.length > n && c >= 0xdc00 && c <= 0xdfff) n--;
    return q.slice(0, n);
  }

  function terms(q) {
    var seen = {}, out = [];
    foldQuery(head(q)).split(/\s+/).forEach(function (t) {
      if (t && !seen['$' + t]) {
        seen['$' + t] = true;
        out.push(t);
      }
    });
    return out;
  }

  /* Pages where every term occurs, best first: a term in the title
     counts most, then in the description, then in the text. */
  function search(ts) {
    var hits = [];
    pages.forEach(function (p, i) {
      var score = 0, j, t, a, b, c;
      for (j = 0; j < ts.length; j++) {
        t = ts[j];
        a = p.ft.indexOf(t) >= 0;
        b = p.fd.indexOf(t) >= 0;
        c = p.fx.indexOf(t) >= 0;
        if (!a && !b && !c) return;
        score += (a ? 8 : 0) + (b ? 3 : 0) + (c ? 1 : 0);
      }
      hits.push({ p: p, score: score, i: i });
    });
    hits.sort(function (x, y) { return y.score - x.score || x.i - y.i; });
    return hits;
  }

  /* [start, end) of every occurrence of the terms in folded text f,
     from `from` to `to`, sorted and merged. */
  function ranges(f, ts, from, to) {
    var r = [], out = [];
    ts.forEach(function (t) {
      var i = f.indexOf(t, from);
      while (i >= 0 && i < to) {
        r.push([i, Math.min(i + t.length, to)]);
        i = f.indexOf(t, i + 1);
      }
    });
    r.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    r.forEach(function (x) {
      var last = out[out.length - 1];
      if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
      else out.push(x);
    });
    return out;
  }

  /* s[from, to) into node, the matches in <mark>. */
  function marked(node, s, f, ts, from, to) {
    var at = from;
    ranges(f, ts, from, to).forEach(function (x) {
      if (x[0] > at) node.appendChild(doc.createTextNode(s.slice(at, x[0])));
      node.appendChild(el('mark', '', s.slice(x[0], x[1])));
      at = x[1];
    });
    if (at < to) node.appendChild(doc.createTextNode(s.slice(at, to)));
  }

  /* Do not cut a surrogate pair in two. */
  function edge(s, i) {
    var c = s.charCodeAt(i);
    return i > 0 && i < s.length && c >= 0xdc00 && c <= 0xdfff ? i + 1 : i;
  }

  function has(f, ts) {
    return ts.some(function (t) { return f.indexOf(t) >= 0; });
  }

  /* The text shown under a result's title: the description when the
     query is in it (or nowhere in the text), else the text around the
     first match. */
  function snippet(p, ts) {
    var node = el('p', 'search-hit-text');
    var first = p.fx.length, from, to;
    if (p.d && (has(p.fd, ts) || !has(p.fx, ts))) {
      marked(node, p.d, p.fd, ts, 0, p.d.length);
      return node;
    }
    if (!p.x) return null;
    ts.forEach(function (t) {
      var i = p.fx.indexOf(t);
      if (i >= 0 && i < first) first = i;
    });
    if (first === p.fx.length) first = 0;
    from = edge(p.x, Math.max(0, first - BEFORE));
    to = edge(p.x, Math.min(p.x.length, from + SNIPPET));
    if (from > 0) node.appendChild(doc.createTextNode('…'));
    marked(node, p.x, p.fx, ts, from, to);
    if (to < p.x.length) node.appendChild(doc.createTextNode('…'));
    return node;
  }

  function dateJa(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    return m ? m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : d;
  }

  function hitItem(h, ts) {
    var p = h.p;
    var li = el('li', 'search-hit');
    var a = el('a', 'search-hit-link');
    a.href = root + p.u;
    marked(a, p.t, p.ft, ts, 0, p.t.length);
    li.appendChild(a);
    if (p.date) {
      var time = el('time', 'search-hit-date', dateJa(p.date));
      time.setAttribute('datetime', p.date);
      li.appendChild(time);
    }
    var s = snippet(p, ts);
    if (s) li.appendChild(s);
    return li;
  }

  var shown = { hits: [], ts: [], n: 0 };

  function showMore(focus) {
    var first = null, end = Math.min(shown.hits.length, shown.n + BATCH);
    for (var i = shown.n; i < end; i++) {
      var li = hitItem(shown.hits[i], shown.ts);
      if (!first) first = li;
      list.appendChild(li);
    }
    shown.n = end;
    var rest = shown.hits.length - end;
    more.hidden = rest <= 0;
    more.textContent = 'さらに表示（残り' + rest.toLocaleString('ja-JP') + '件）';
    if (focus && first) first.querySelector('a').focus();
  }

  function say(text) {
    status.textContent = text;
  }

  function setOpen(yes) {
    results.classList.toggle('is-open', yes);
    close.hidden = !yes;
  }

  function clear() {
    list.textContent = '';
    more.hidden = true;
    panel.hidden = true;
    setOpen(false);
    shown = { hits: [], ts: [], n: 0 };
    lastQuery = '';
  }

  var lastQuery = '';
  var timer = 0;

  function run(q) {
    var ts = terms(q);
    clearTimeout(timer);
    if (!ts.length) {
      pending = null;
      clear();
      say('');
      return;
    }
    if (failed) {
      pending = null;
      clear();
      setOpen(true);
      say('検索データを読み込めませんでした。');
      return;
    }
    if (!pages) {
      pending = q;
      setOpen(true);
      say('検索データを読み込んでいます…');
      load();
      return;
    }
    pending = null;
    if (q === lastQuery && !panel.hidden) return;
    lastQuery = q;
    var hits = search(ts);
    list.textContent = '';
    shown = { hits: hits, ts: ts, n: 0 };
    setOpen(true);
    var quoted = '「' + head(q).trim().replace(/\s+/g, ' ') + '」';
    if (!hits.length) {
      panel.hidden = true;
      more.hidden = true;
      say(quoted + 'に一致するページは見つかりませんでした。');
      return;
    }
    panel.hidden = false;
    say(quoted + 'に一致するページが' + hits.length.toLocaleString('ja-JP') +
        '件見つかりました。');
    showMore(false);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    run(input.value);
  });

  input.addEventListener('input', function () {
    clearTimeout(timer);
    if (!input.value.trim()) {
      run('');
      return;
    }
    load();
    timer = setTimeout(function () { run(input.value); }, DELAY);
  });

  more.addEventListener('click', function () { showMore(true); });

  close.addEventListener('click', function () {
    clear();
    say('');
    input.focus();
  });

  /* Escape inside the results goes back to the field. */
  results.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' && e.key !== 'Esc') return;
    input.focus();
    e.preventDefault();
    e.stopPropagation();
  });
}());
