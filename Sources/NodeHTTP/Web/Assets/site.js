(function () {
  'use strict';
  document.documentElement.classList.add('js');
  // Lists that may scroll sideways (on a phone) sit in a region that takes the keyboard's focus,
  // so they scroll with the arrow keys too; the region is named after the heading above it.
  document.querySelectorAll('table.list').forEach(function (table) {
    if (table.parentElement.classList.contains('table-scroll')) { return; }
    var region = document.createElement('div');
    region.className = 'table-scroll';
    region.setAttribute('role', 'region');
    region.setAttribute('tabindex', '0');
    var heading = table.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
    var caption = table.querySelector('caption');
    region.setAttribute('aria-label', (caption || heading || document.querySelector('h1') || document.body).textContent.trim().slice(0, 120));
    table.parentElement.insertBefore(region, table);
    region.appendChild(table);
  });
  var explain = document.getElementById('toggle-explanations');
  if (explain) {
    explain.addEventListener('click', function () {
      var hidden = document.body.classList.toggle('hide-explanations');
      explain.textContent = hidden ? explain.dataset.show : explain.dataset.hide;
    });
  }
  // Full screen: the form covers the viewport (a fixed overlay), and the browser's own full
  // screen is asked for when it has one; Escape or the button leaves both.
  var full = document.getElementById('toggle-fullscreen');
  var page = document.getElementById('form-page');
  if (full && page) {
    var enterLabel = full.textContent;
    var setFull = function (on) {
      page.classList.toggle('fullscreen', on);
      document.body.classList.toggle('has-fullscreen', on);
      full.setAttribute('aria-pressed', on ? 'true' : 'false');
      full.textContent = on ? full.dataset.exit : enterLabel;
    };
    full.addEventListener('click', function () {
      var on = !page.classList.contains('fullscreen');
      setFull(on);
      if (on && page.requestFullscreen) { page.requestFullscreen().catch(function () {}); }
      if (!on && document.fullscreenElement && document.exitFullscreen) { document.exitFullscreen(); }
    });
    document.addEventListener('fullscreenchange', function () {
      if (!document.fullscreenElement && page.classList.contains('fullscreen')) { setFull(false); }
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && page.classList.contains('fullscreen')) { setFull(false); }
    });
  }
  document.querySelectorAll('button.toggle').forEach(function (button) {
    button.addEventListener('click', function () {
      var open = button.getAttribute('aria-expanded') === 'true';
      button.setAttribute('aria-expanded', open ? 'false' : 'true');
      button.textContent = open ? '+' : '−';
      button.dataset.children.split(' ').forEach(function (key) {
        var row = document.querySelector('tr[data-row="' + key + '"]');
        if (row) { row.classList.toggle('collapsed', open); }
      });
    });
  });
  // Evidence files are checked before anything is sent: type and size (all chosen files of one
  // upload together), with the refusal next to the field; a refused choice is cleared.
  document.querySelectorAll('input.evidence').forEach(function (input) {
    var error = document.getElementById(input.id + '-error');
    var accepted = (input.getAttribute('accept') || '').split(',');
    var check = function () {
      var total = 0;
      var problem = '';
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
        var dot = file.name.lastIndexOf('.');
        var type = dot < 0 ? '' : file.name.slice(dot).toLowerCase();
        if (!problem && accepted.indexOf(type) < 0) { problem = input.dataset.wrongType.replace('{name}', file.name); }
      });
      if (!problem && total > Number(input.dataset.maxBytes)) {
        problem = input.dataset.tooLarge.replace('{size}', (total / 1048576).toFixed(1).replace('.', document.documentElement.lang === 'en' ? '.' : ',') + ' MB');
      }
      if (error) { error.textContent = problem; }
      if (problem) { input.value = ''; input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
      return !problem;
    };
    input.addEventListener('change', check);
    if (input.form) {
      input.form.addEventListener('submit', function (event) { if (!check()) { event.preventDefault(); } });
    }
  });
  var form = document.getElementById('report-form');
  if (form && form.dataset.checks) { checkAsTyped(form, JSON.parse(form.dataset.checks)); }
  if (form) { keepUntilSaved(form); }
  // Logging out removes every copy kept in this browser: nothing typed outlives its session's
  // owner leaving on purpose (an ended session keeps it, for the same account to continue).
  var logout = document.querySelector('form[action="/app/logout"]');
  if (logout) {
    logout.addEventListener('submit', function () {
      // The page goes away next: its own keeping (pagehide, a pending keystroke) must not put a copy back.
      document.documentElement.dataset.leaving = '1';
      try {
        var store = window.localStorage;
        for (var index = store.length - 1; index >= 0; index -= 1) {
          var name = store.key(index);
          if (name && name.indexOf('rn-draft:') === 0) { store.removeItem(name); }
        }
      } catch (error) { /* no storage: nothing kept */ }
    });
  }
  if (form) {
    var dirty = document.documentElement.dataset.restored === '1';
    form.addEventListener('input', function () { dirty = true; });
    form.addEventListener('change', function () { dirty = true; });
    form.addEventListener('submit', function () { dirty = false; });
    window.addEventListener('beforeunload', function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = form.dataset.warn; return form.dataset.warn; }
    });
  }

  // What is typed is kept in the browser (per report and version), as it is typed and on
  // "Lưu lại", until the server confirms the save, so an ended session or a lost link loses nothing: back on the
  // same version, the copy is put back into the form with a notice.
  function keepUntilSaved(form) {
    var version = form.querySelector('input[name="version"]');
    // Per account too: on a shared computer, another person logging in never gets the copy.
    var who = document.querySelector('form[action="/app/logout"]');
    var prefix = 'rn-draft:' + (who ? who.dataset.user : '') + ':' + form.dataset.report + ':';
    var key = prefix + (version ? version.value : '');
    var store;
    try { store = window.localStorage; } catch (error) { return; }
    if (!store) { return; }
    var fields = function () {
      return Array.prototype.filter.call(form.querySelectorAll('input[id], textarea[id], select[id]'), function (field) {
        return field.type !== 'hidden' && field.type !== 'file' && field.name;
      });
    };
    if (form.dataset.confirmed === '1') {
      // The address no longer says "saved": a later post (and its way back after logging in) comes from the form itself.
      if (window.history && window.history.replaceState && window.location.search) {
        window.history.replaceState(null, '', window.location.pathname);
      }
      for (var index = store.length - 1; index >= 0; index -= 1) {
        var name = store.key(index);
        if (name && name.indexOf(prefix) === 0) { store.removeItem(name); }
      }
    } else {
      var kept = null;
      try { kept = JSON.parse(store.getItem(key) || 'null'); } catch (error) { kept = null; }
      if (kept) {
        fields().forEach(function (field) {
          if (!Object.prototype.hasOwnProperty.call(kept, field.id)) { return; }
          if (field.type === 'checkbox' || field.type === 'radio') { field.checked = kept[field.id] === true; } else { field.value = kept[field.id]; }
        });
        var notice = document.getElementById('restored');
        if (notice) { notice.hidden = false; }
        document.documentElement.dataset.restored = '1';
        form.dispatchEvent(new Event('input'));
      }
    }
    var keep = function () {
      if (document.documentElement.dataset.leaving === '1') { return; }
      var values = {};
      fields().forEach(function (field) {
        values[field.id] = field.type === 'checkbox' || field.type === 'radio' ? field.checked : field.value;
      });
      try { store.setItem(key, JSON.stringify(values)); } catch (error) { /* full or refused: the post still goes */ }
    };
    // Kept while typing too (half a second after the last key), and when the page goes away
    // (a closed tab, a lost link, a reload), not only on "Lưu lại".
    var pending = null;
    var typed = false;
    form.addEventListener('input', function (event) {
      if (!event.isTrusted && !typed) { return; } // the restore's own announcement, nothing typed yet
      typed = true;
      if (pending) { window.clearTimeout(pending); }
      pending = window.setTimeout(function () { pending = null; keep(); }, 500);
    });
    form.addEventListener('change', function () { typed = true; });
    form.addEventListener('submit', function () {
      if (pending) { window.clearTimeout(pending); pending = null; }
      keep();
    });
    window.addEventListener('pagehide', function () {
      if (pending) { window.clearTimeout(pending); pending = null; }
      if (typed) { keep(); }
    });
  }

  // Totals and rules as the person types (the server computes and checks them again): numbers
  // are read the page language's way ("1.234,5" in Vietnamese), totals recomputed, and each
  // broken rule explained next to the cells it marks and listed above the form.
  function checkAsTyped(form, plan) {
    var vietnamese = (document.documentElement.lang || 'vi').indexOf('vi') === 0;
    var shown = new Intl.NumberFormat(vietnamese ? 'vi-VN' : 'en-US', { maximumFractionDigits: 10 });
    var field = function (key) {
      var parts = key.split('/');
      // A question's input is `f-<id>`, a table cell's `f-t:<question>:<row>:<column>`.
      return parts.length === 1 ? key : 't:' + parts.join(':');
    };
    var element = function (key) { return document.getElementById('f-' + field(key)); };
    var read = function (text) {
      text = (text || '').trim().replace(/[\s\u00a0]/g, '').replace('\u2212', '-');
      if (text === '') { return null; }
      var group = vietnamese ? '.' : ',';
      var decimal = vietnamese ? ',' : '.';
      if (!/^[-+]?[0-9.,]+$/.test(text)) { return undefined; }
      var parts = text.split(decimal);
      if (parts.length > 2) { return undefined; }
      var whole = parts[0].replace(/^[-+]/, '');
      if (whole.indexOf(group) >= 0 && !/^[0-9]{1,3}([.,][0-9]{3})+$/.test(whole)) { return undefined; }
      var number = Number(text.split(group).join('').replace(decimal, '.'));
      return isFinite(number) ? number : undefined;
    };
    // Sums in millionths so that 0,1 + 0,2 is 0,3.
    var scale = 1e6;
    var values = {};
    var valueOf = function (key) { return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : null; };
    var sum = function (side) {
      var total = Math.round(side.constant * scale);
      var any = side.terms.length === 0;
      side.terms.forEach(function (term) {
        var value = valueOf(term.key);
        if (value === null || value === undefined) { return; }
        any = true;
        total += (term.negative ? -1 : 1) * Math.round(value * scale);
      });
      return { value: total, any: any, constant: side.terms.length === 0 };
    };
    var holds = { '==': function (a, b) { return a === b; }, '<=': function (a, b) { return a <= b; },
      '<': function (a, b) { return a < b; }, '>=': function (a, b) { return a >= b; }, '>': function (a, b) { return a > b; } };
    var text = function (scaled) { return shown.format(scaled / scale); };
    var list = document.getElementById('rule-list');
    var section = document.getElementById('rule-checks');
    function run() {
      values = {};
      form.querySelectorAll('input.number').forEach(function (input) {
        var key = input.name.replace(/^[qt]:/, '').split(':').join('/');
        var value = read(input.value);
        if (value !== null && value !== undefined) { values[key] = value; }
      });
      // Totals in order, again until nothing changes (a total may add other totals).
      for (var pass = 0; pass < 4; pass += 1) {
        plan.totals.forEach(function (total) {
          var result = sum(total.sum);
          if (result.any && !result.constant) { values[total.key] = result.value / scale; } else { delete values[total.key]; }
        });
      }
      plan.totals.forEach(function (total) {
        var output = element(total.key);
        if (output) { output.textContent = valueOf(total.key) === null ? '' : text(Math.round(valueOf(total.key) * scale)); }
      });
      var notes = {};
      var broken = [];
      plan.checks.forEach(function (check) {
        var left = sum(check.left);
        var right = sum(check.right);
        if (!left.any && !right.any) { return; }
        if ((left.constant && !right.any) || (right.constant && !left.any)) { return; }
        if (holds[check.comparison](left.value, right.value)) { return; }
        var relation = left.value < right.value ? '<' : left.value > right.value ? '>' : '=';
        var message = (vietnamese ? check.message : check.messageEnglish) +
          ' (' + (check.place ? check.place + ': ' : '') + text(left.value) + ' ' + relation + ' ' + text(right.value) + ')';
        broken.push({ severity: check.severity, message: message, key: check.marks[0] });
        check.marks.forEach(function (key) { (notes[key] = notes[key] || []).push({ severity: check.severity, message: message }); });
      });
      form.querySelectorAll('.cell-note').forEach(function (note) {
        var key = note.id.replace(/^n-[qt]:/, '').split(':').join('/');
        var mine = notes[key] || [];
        note.textContent = '';
        mine.forEach(function (item) {
          var span = document.createElement('span');
          span.className = item.severity;
          span.textContent = item.message;
          note.appendChild(span);
        });
        var input = element(key);
        if (input && input.tagName === 'INPUT') {
          var blocking = mine.some(function (item) { return item.severity === 'error'; });
          if (blocking) { input.setAttribute('aria-invalid', 'true'); } else if (!input.closest('.invalid')) { input.removeAttribute('aria-invalid'); }
          var cell = input.closest('td');
          if (cell) { cell.classList.toggle('broken', mine.length > 0); }
        }
      });
      if (list && section) {
        list.textContent = '';
        broken.sort(function (a, b) { return (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1); });
        broken.forEach(function (item) {
          var li = document.createElement('li');
          li.className = item.severity;
          var tag = document.createElement('span');
          tag.className = 'tag';
          tag.textContent = item.severity === 'error' ? form.dataset.errorWord : form.dataset.warningWord;
          var link = document.createElement('a');
          link.href = '#f-' + field(item.key);
          link.textContent = item.message;
          li.appendChild(tag);
          li.appendChild(document.createTextNode(' '));
          li.appendChild(link);
          list.appendChild(li);
        });
        section.hidden = broken.length === 0;
      }
    }
    form.addEventListener('input', run);
    run();
  }
})();
