/* errdex serve only (never in build output): reload on change, keeping the scroll position;
 * show the build's problems over the page until they are fixed. */
(function () {
  'use strict';
  var KEY = 'errdex-scroll:' + location.pathname;
  try {
    var y = sessionStorage.getItem(KEY);
    if (y !== null) { sessionStorage.removeItem(KEY); window.scrollTo(0, Number(y)); }
  } catch (e) { /* no storage */ }

  function overlay(text) {
    var box = document.getElementById('errdex-problems');
    if (!text) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement('div');
      box.id = 'errdex-problems';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,23,27,.96);color:#f2f4f7;padding:1.5rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace';
      var title = document.createElement('p');
      title.textContent = 'errdex: the last change has errors. The last good page is shown underneath; fix the file and this goes away.';
      title.style.cssText = 'font-weight:700;margin:0 0 1rem;color:#ff9b9b';
      var pre = document.createElement('pre');
      pre.style.cssText = 'white-space:pre-wrap;margin:0';
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector('pre').textContent = text;
  }

  if (window.__errdexProblems) overlay(window.__errdexProblems);
  if (!window.EventSource) return;
  var source = new EventSource('/__errdex/events');
  source.addEventListener('reload', function () {
    try { sessionStorage.setItem(KEY, String(window.scrollY)); } catch (e) { /* no storage */ }
    location.reload();
  });
  source.addEventListener('problems', function (e) { overlay(JSON.parse(e.data)); });
})();
