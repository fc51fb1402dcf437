(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var explain = document.getElementById('toggle-explanations');
  if (explain) {
    explain.addEventListener('click', function () {
      var hidden = document.body.classList.toggle('hide-explanations');
      explain.textContent = hidden ? explain.dataset.show : explain.dataset.hide;
    });
  }
  var full = document.getElementById('toggle-fullscreen');
  var page = document.getElementById('form-page');
  if (full && page) {
    full.addEventListener('click', function () { page.classList.toggle('fullscreen'); });
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
  var form = document.getElementById('report-form');
  if (form) {
    var dirty = false;
    form.addEventListener('input', function () { dirty = true; });
    form.addEventListener('change', function () { dirty = true; });
    form.addEventListener('submit', function () { dirty = false; });
    window.addEventListener('beforeunload', function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = form.dataset.warn; return form.dataset.warn; }
    });
  }
})();