/**
 * The inspector's style sheet and its one small script, served from /ui/assets so the page's
 * Content-Security-Policy can forbid every inline script and style (report.html inlines the sheet).
 */

/** Red (low reward) through yellow to green (high), eleven steps; h-n is an unscored step. */
const HEAT = [
  '#b2182b',
  '#d6604d',
  '#f4a582',
  '#fdc98f',
  '#fee090',
  '#ffffbf',
  '#d9ef8b',
  '#a6d96a',
  '#66bd63',
  '#1a9850',
  '#006837',
];

export const INSPECTOR_CSS = `
:root{font-family:system-ui,sans-serif;color:#1d2329;background:#fafafa;font-size:14px}
body{margin:0}
header.top{display:flex;gap:1.5em;align-items:baseline;padding:.6em 1.2em;background:#1d2329;color:#fff}
header.top a{color:#cfe3ff}
main{padding:1em 1.2em;max-width:1600px}
h1{font-size:1.3em;margin:.2em 0 .6em}
h2{font-size:1.1em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd;padding-bottom:.2em}
a{color:#0b57d0}
a:focus-visible,.cell:focus-visible,summary:focus-visible,button:focus-visible{outline:3px solid #0b57d0;outline-offset:1px}
table{border-collapse:collapse;background:#fff}
th,td{border:1px solid #e3e3e3;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f2f4;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.winner td{background:#eef7ee}
.muted{color:#68707a}
.small{font-size:.86em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:0}
dl.facts dt{color:#68707a}
dl.facts dd{margin:0}
pre{white-space:pre-wrap;word-break:break-word;margin:.3em 0;font-size:.92em;background:#fff;border:1px solid #e3e3e3;padding:.5em;max-height:28em;overflow:auto}
.badge{display:inline-block;border-radius:3px;padding:0 .4em;font-size:.85em;background:#e8eaed}
.badge.win{background:#1a9850;color:#fff}
.badge.bad{background:#b2182b;color:#fff}
.badge.warn{background:#fdc98f}
.cands{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:.8em}
.cand{background:#fff;border:1px solid #d5d9de;border-radius:4px;padding:.6em}
.cand.win{border:2px solid #1a9850}
.cand h3{font-size:1em;margin:0 0 .4em;display:flex;gap:.5em;align-items:baseline;flex-wrap:wrap}
.answer{background:#fffbe6;border-color:#f0d264}
.heat{display:grid;grid-template-columns:max-content max-content 1fr;gap:.25em .6em;align-items:center;background:#fff;border:1px solid #e3e3e3;padding:.6em}
.heat .who{font-weight:600;white-space:nowrap}
.heat .part{color:#68707a;font-size:.86em}
.cells{display:flex;flex-wrap:wrap;gap:2px;min-height:18px}
.cell{position:relative;display:inline-block;width:16px;height:18px;border-radius:2px;border:1px solid rgba(0,0,0,.15);cursor:default}
.cell .tip{display:none;position:absolute;z-index:5;left:0;top:22px;width:28em;max-height:16em;overflow:auto;background:#1d2329;color:#fff;padding:.5em;border-radius:4px;white-space:pre-wrap;font-size:.9em;box-shadow:0 2px 8px rgba(0,0,0,.3)}
.cell:hover .tip,.cell:focus .tip{display:block}
.sep{width:10px}
${HEAT.map((c, i) => `.h${i}{background:${c}}`).join('\n')}
.hn{background:repeating-linear-gradient(45deg,#ddd,#ddd 3px,#fff 3px,#fff 6px)}
.legend{display:flex;gap:2px;align-items:center;margin:.4em 0}
.legend .cell{width:22px}
form.key{background:#fff;border:1px solid #d5d9de;padding:1em;max-width:30em}
form.key input{width:100%;padding:.4em;margin:.4em 0;font:inherit}
.error{color:#b2182b}
svg{background:#fff;border:1px solid #e3e3e3;max-width:100%;height:auto}
`;

/**
 * Key handling (the page asks for a gateway key once, keeps it for the tab's session and sends it as the
 * API does, in Authorization, never in a URL), navigation under a key, and arrow keys in the heat map.
 */
export const INSPECTOR_JS = `"use strict";
(function () {
  var STORE = "bestofn-inspector-key";
  var key = sessionStorage.getItem(STORE);
  function say(text) {
    var el = document.getElementById("key-error");
    if (el) el.textContent = text;
  }
  function load(url, push) {
    return fetch(url, { headers: { authorization: "Bearer " + key }, cache: "no-store" })
      .then(function (res) {
        return res.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          // A key the gateway does not accept gets the locked page again.
          if (doc.body.dataset.locked === "1") {
            sessionStorage.removeItem(STORE);
            key = null;
            say("That key was refused.");
            return;
          }
          var main = doc.querySelector("main");
          if (!main) return;
          document.querySelector("main").replaceWith(document.adoptNode(main));
          document.title = doc.title;
          document.body.dataset.locked = "0";
          if (push) history.pushState(null, "", url);
        });
      })
      .catch(function () {
        say("The gateway did not answer.");
      });
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.matches || !form.matches("form.key")) return;
    e.preventDefault();
    key = form.querySelector("input").value.trim();
    if (!key) return;
    sessionStorage.setItem(STORE, key);
    load(location.pathname, false);
  });
  document.addEventListener("click", function (e) {
    if (!key || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    var a = e.target.closest && e.target.closest("a[href^='/ui']");
    if (!a) return;
    e.preventDefault();
    load(a.getAttribute("href"), true);
  });
  window.addEventListener("popstate", function () {
    if (key) load(location.pathname, false);
  });
  if (document.body.dataset.locked === "1" && key) load(location.pathname, false);

  function move(from, dx, dy) {
    var row = from.parentElement;
    var cells = Array.prototype.slice.call(row.querySelectorAll(".cell"));
    var i = cells.indexOf(from);
    if (dx) return cells[Math.max(0, Math.min(cells.length - 1, i + dx))];
    var rows = Array.prototype.slice.call(document.querySelectorAll(".heat .cells"));
    var r = rows.indexOf(row) + dy;
    while (r >= 0 && r < rows.length) {
      var next = rows[r].querySelectorAll(".cell");
      if (next.length) return next[Math.min(i, next.length - 1)];
      r += dy;
    }
    return null;
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t.classList && t.classList.contains("cell")) {
      var d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!d) return;
      var next = move(t, d[0], d[1]);
      if (next) {
        e.preventDefault();
        next.focus();
      }
      return;
    }
    if (t.matches && t.matches("a.row-link") && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      var links = Array.prototype.slice.call(document.querySelectorAll("a.row-link"));
      var to = links[links.indexOf(t) + (e.key === "ArrowDown" ? 1 : -1)];
      if (to) {
        e.preventDefault();
        to.focus();
      }
    }
  });
})();
`;

/** The tab's icon: the heat map's colours in three cells (without one, browsers ask for /favicon.ico and log a 404). */
export const INSPECTOR_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 3 1"><rect width="1" height="1" fill="#d6604d"/>' +
  '<rect x="1" width="1" height="1" fill="#fee090"/><rect x="2" width="1" height="1" fill="#1a9850"/></svg>';
