/* errdex page enhancements; the page is complete without them.
 * - Copy buttons on the error signature, on every code block, and after each inline command
 *   (`code`) of the parts marked data-copy-code: the quick fix, quick fixes, checks and steps.
 * - The signature's "Show all" (details.signature-more, which style.css folds the signature
 *   behind) is hidden while the whole signature fits anyway.
 * - A light/dark toggle that remembers the choice (theme.js applies it early). */
(function () {
  'use strict';

  // The page's words (site.yaml's labels), from the JSON block base.html prints; English when a
  // template has none.
  var L = {
    copy: 'Copy', copied: 'Copied', copy_by_hand: 'Press Ctrl+C', copy_signature: 'Copy the error signature',
    copy_code: 'Copy this code', copy_text: 'Copy {text}', dark_mode: 'Dark mode', light_mode: 'Light mode'
  };
  try {
    var block = document.getElementById('errdex-labels');
    var given = block ? JSON.parse(block.textContent) : {};
    Object.keys(L).forEach(function (k) { if (typeof given[k] === 'string') L[k] = given[k]; });
  } catch (e) { /* English */ }

  // Copies the text of `target`; `say(button, message)` tells the reader how it went. Where the
  // clipboard cannot be written, the text is selected for Ctrl+C instead.
  function copyText(target, button, say) {
    var failed = function () {
      var range = document.createRange();
      range.selectNodeContents(target);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      say(button, L.copy_by_hand);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(target.textContent).then(function () { say(button, L.copied); }, failed);
    } else {
      failed();
    }
  }

  // Feedback for 1.5 s: in the text of a "Copy" button, in the name of an icon button.
  function sayInText(button, message) {
    var label = button.textContent;
    button.textContent = message;
    button.classList.toggle('copied', message === L.copied);
    setTimeout(function () { button.textContent = label; button.classList.remove('copied'); }, 1500);
  }
  function sayInName(button, message) {
    var label = button.getAttribute('aria-label');
    button.setAttribute('aria-label', message);
    button.title = message;
    button.classList.toggle('copied', message === L.copied);
    setTimeout(function () {
      button.setAttribute('aria-label', label);
      button.title = label;
      button.classList.remove('copied');
    }, 1500);
  }

  function addCopyButton(target, label) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = L.copy;
    button.setAttribute('aria-label', label);
    button.addEventListener('click', function () { copyText(target, button, sayInText); });
    target.insertAdjacentElement('afterend', button);
  }

  // Two overlapping sheets, drawn in the text colour; the button's name says what it does.
  var COPY_ICON = '<svg aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14">' +
    '<rect x="5.5" y="5.5" width="8" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5"/>' +
    '<path d="M10.5 3.5V3A1.5 1.5 0 0 0 9 1.5H4A1.5 1.5 0 0 0 2.5 3v7A1.5 1.5 0 0 0 4 11.5h.5" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>';

  // A small icon button after an inline command (`code` in running text), named for what it
  // copies, kept on the line where the command ends.
  function addInlineCopyButton(code) {
    var text = code.textContent;
    if (!text.trim()) return;
    var label = L.copy_text.split('{text}').join(text.length > 80 ? text.slice(0, 79) + '…' : text);
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-inline';
    button.setAttribute('aria-label', label);
    button.title = label;
    button.innerHTML = COPY_ICON;
    button.addEventListener('click', function () { copyText(code, button, sayInName); });
    // A word joiner (U+2060) before it, both in a span that does not wrap: no line break between
    // the command and its button, nor between the button and the punctuation after it.
    var glue = document.createElement('span');
    glue.className = 'copy-glue';
    glue.appendChild(document.createTextNode('\u2060'));
    glue.appendChild(button);
    code.insertAdjacentElement('afterend', glue);
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
      button.textContent = dark() ? L.light_mode : L.dark_mode;
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
    document.querySelectorAll('#facts code.signature').forEach(function (c) { addCopyButton(c, L.copy_signature); });
    document.querySelectorAll('main pre > code').forEach(function (c) { addCopyButton(c.parentElement, L.copy_code); });
    document.querySelectorAll('main [data-copy-code] code').forEach(function (c) {
      // Code blocks have their own button, and a button cannot sit inside a link.
      if (!c.closest('pre, a, button')) addInlineCopyButton(c);
    });
    signatureFolds();
    themeToggle();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
