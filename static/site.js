/* errdex page enhancements; the page is complete without them.
 * - Copy buttons on the error signature and on every code block.
 * - The signature's "Show all" (details.signature-more, which style.css folds the signature
 *   behind) is hidden while the whole signature fits anyway.
 * - A light/dark toggle that remembers the choice (theme.js applies it early). */
(function () {
  'use strict';

  function copyText(text, button) {
    var done = function () {
      var label = button.textContent;
      button.textContent = 'Copied';
      button.classList.add('copied');
      setTimeout(function () { button.textContent = label; button.classList.remove('copied'); }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { button.textContent = 'Press Ctrl+C'; });
    }
  }

  function addCopyButton(target, label) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', label);
    button.addEventListener('click', function () { copyText(target.textContent, button); });
    target.insertAdjacentElement('afterend', button);
  }

  // A "Show all" that would show nothing more is hidden; checked again when the width changes.
  function signatureFolds() {
    document.querySelectorAll('details.signature-more').forEach(function (more) {
      var folded = more.parentElement && more.parentElement.querySelector(':scope > .signature, :scope > pre');
      if (!folded) return;
      var fit = function () {
        if (more.open) return;
        more.hidden = folded.scrollHeight <= folded.clientHeight + 1;
      };
      fit();
      window.addEventListener('resize', fit);
    });
  }

  function themeToggle() {
    var button = document.querySelector('.theme-toggle');
    if (!button) return;
    var root = document.documentElement;
    var dark = function () {
      var t = root.getAttribute('data-theme');
      return t ? t === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
    };
    var sync = function () {
      button.setAttribute('aria-pressed', String(dark()));
      button.textContent = dark() ? 'Light mode' : 'Dark mode';
    };
    button.hidden = false;
    sync();
    button.addEventListener('click', function () {
      var next = dark() ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      try { localStorage.setItem('errdex-theme', next); } catch (e) { /* not saved */ }
      sync();
    });
  }

  function init() {
    document.querySelectorAll('#facts code.signature').forEach(function (c) { addCopyButton(c, 'Copy the error signature'); });
    document.querySelectorAll('main pre > code').forEach(function (c) { addCopyButton(c.parentElement, 'Copy this code'); });
    signatureFolds();
    themeToggle();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
