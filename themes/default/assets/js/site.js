/*
 * Kakehashi default theme: progressive enhancement only.  Everything
 * works without this file: the menus are <details>, the nav shows in full.
 *
 * - narrow screens (< 768px): a 「メニュー」 button collapses the menu
 * - top pattern: one dropdown open at a time; a click or tap outside,
 *   or focus leaving it, closes it; one near the right edge opens leftwards
 * - Escape closes the sub-menu (top or side) and focuses its summary
 * - tables that scroll sideways become focusable, named regions
 * - accordions open for printing
 */
(function () {
  'use strict';

  var doc = document;
  var nav = doc.getElementById('global-nav');
  var isTop = !doc.body.classList.contains('pattern-side');
  var narrow = window.matchMedia ? window.matchMedia('(max-width: 767.98px)') : null;

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  /* ---- Menu toggle --------------------------------------------------- */

  var toggle = null;

  function setExpanded(open) {
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    nav.classList.toggle('is-collapsed', !open);
  }

  if (nav) {
    toggle = doc.createElement('button');
    toggle.type = 'button';
    toggle.className = 'menu-toggle';
    toggle.setAttribute('aria-controls', nav.id);
    var icon = doc.createElement('span');
    icon.className = 'menu-toggle-icon';
    icon.setAttribute('aria-hidden', 'true');
    toggle.appendChild(icon);
    toggle.appendChild(doc.createTextNode('メニュー'));
    nav.parentNode.insertBefore(toggle, nav);
    setExpanded(false);
    toggle.addEventListener('click', function () {
      setExpanded(toggle.getAttribute('aria-expanded') !== 'true');
    });
  }

  /* ---- Dropdowns (top pattern) ---------------------------------------- */

  var groups = nav && isTop ? nav.querySelectorAll('.menu details') : [];

  function closeGroup(d, refocus) {
    d.open = false;
    if (refocus) {
      var s = d.querySelector('summary');
      if (s) s.focus();
    }
  }

  function openGroup() {
    for (var i = 0; i < groups.length; i++) {
      if (groups[i].open) return groups[i];
    }
    return null;
  }

  function placeSubmenu(d) {
    var sub = d.querySelector('.submenu');
    if (!sub) return;
    sub.classList.remove('is-align-right');
    if (narrow && narrow.matches) return;
    var r = sub.getBoundingClientRect();
    if (r.right > doc.documentElement.clientWidth) {
      sub.classList.add('is-align-right');
    }
  }

  each(groups, function (d) {
    d.addEventListener('toggle', function () {
      if (!d.open) return;
      each(groups, function (o) {
        if (o !== d && o.open) o.open = false;
      });
      placeSubmenu(d);
    });
    d.addEventListener('focusout', function (e) {
      var to = e.relatedTarget;
      if (d.open && to && !d.contains(to)) closeGroup(d, false);
    });
  });

  if (groups.length) {
    doc.addEventListener('click', function (e) {
      var d = openGroup();
      if (d && !d.contains(e.target)) closeGroup(d, false);
    });
  }

  /* Escape: close the sub-menu that holds the focus (either pattern) or
     the open dropdown (top pattern), focusing its summary; else, in the
     opened narrow-screen menu, close the menu and focus its toggle. */
  doc.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' && e.key !== 'Esc') return;
    if (!nav) return;
    var a = doc.activeElement;
    var d = a && nav.contains(a) && a.closest ? a.closest('.menu details') : null;
    if (d && !d.open) d = null;
    if (!d) d = openGroup();
    if (d) {
      closeGroup(d, true);
      e.preventDefault();
      return;
    }
    if (toggle && narrow && narrow.matches &&
        toggle.getAttribute('aria-expanded') === 'true' && nav.contains(a)) {
      setExpanded(false);
      toggle.focus();
      e.preventDefault();
    }
  });

  /* ---- Tables that scroll sideways ------------------------------------ */

  var wraps = doc.querySelectorAll('.table-wrap');

  function markScrollable() {
    each(wraps, function (w) {
      var scrolls = w.scrollWidth > w.clientWidth + 1;
      if (scrolls && !w.hasAttribute('tabindex')) {
        w.setAttribute('tabindex', '0');
        w.setAttribute('role', 'region');
        w.setAttribute('data-kk-region', '');
        var cap = w.querySelector('caption');
        var name = cap ? cap.textContent.trim() : '';
        w.setAttribute('aria-label',
            (name ? name + '（表）' : '表') + '：横にスクロールできます');
      } else if (!scrolls && w.hasAttribute('data-kk-region')) {
        w.removeAttribute('tabindex');
        w.removeAttribute('role');
        w.removeAttribute('aria-label');
        w.removeAttribute('data-kk-region');
      }
    });
  }

  if (wraps.length) {
    markScrollable();
    var timer = 0;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(markScrollable, 150);
    });
  }

  /* ---- Print: show closed accordions ---------------------------------- */

  var opened = [];
  window.addEventListener('beforeprint', function () {
    each(doc.querySelectorAll('details.accordion:not([open])'), function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener('afterprint', function () {
    each(opened, function (d) { d.open = false; });
    opened = [];
  });
}());
