/* Applies the reader's saved light/dark choice before the page paints (site.js offers the toggle). */
(function () {
  try {
    var t = localStorage.getItem('errdex-theme');
    if (t === 'dark' || t === 'light') document.documentElement.setAttribute('data-theme', t);
  } catch (e) { /* storage may be off: follow the system */ }
})();
