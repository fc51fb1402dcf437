import Hummingbird
import NIOCore

/// The one stylesheet and the one small script of the pages, compiled in. The script only adds
/// comfort (show/hide explanations, full screen, collapsing table sub-rows, a warning before
/// leaving unsaved changes); every page reads and posts without it.
enum PageAssets {
    static func response(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "max-age=3600", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static let css = """
        :root{--ink:#1a1a1a;--muted:#4a4a4a;--line:#b8b8b8;--accent:#0b4f8a;--danger:#a4001d;--ok:#1d6b2c;--bg:#fff;--soft:#f3f5f8}
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:var(--bg)}
        a{color:var(--accent)}
        a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #f0a500;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
        header.top{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:8px 16px;background:#0b3b66;color:#fff}
        header.top a{color:#fff}
        header.top .brand{font-weight:bold;margin-right:12px}
        header.top nav ul{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;margin:0;padding:0}
        header.top nav a[aria-current]{text-decoration:underline 3px;font-weight:bold}
        header.top .who{margin-left:auto}
        header.top .link{background:none;border:none;color:#fff;text-decoration:underline;cursor:pointer;font:inherit;padding:0}
        main{padding:16px;max-width:1200px;margin:0 auto}
        .narrow{max-width:420px}
        h1{font-size:1.5rem;margin:.3em 0}h2{font-size:1.2rem;margin-top:1.5em}
        label{display:block;font-weight:600;margin-bottom:2px}
        label.choice{font-weight:normal;display:block;margin:2px 0}
        input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #6b6b6b;border-radius:4px;max-width:100%}
        textarea{width:100%}
        input.number{width:9em;text-align:right}
        .grid input.number{width:7em}
        button,.button{display:inline-block;font:inherit;padding:6px 14px;border:1px solid var(--accent);border-radius:4px;background:#fff;color:var(--accent);cursor:pointer;text-decoration:none}
        .primary{background:var(--accent);color:#fff}
        form.inline{display:inline}
        .error,.field-error{color:var(--danger);font-weight:600}
        .success{color:var(--ok);font-weight:600}
        .notice{background:var(--soft);padding:8px 12px;border-left:4px solid var(--accent)}
        .invalid{border-left:4px solid var(--danger);padding-left:8px}
        .req{color:var(--danger);text-decoration:none;font-weight:bold}
        .meta{color:var(--muted)}
        .explanation{color:var(--muted);font-size:.95em;background:var(--soft);padding:6px 10px;margin:4px 0}
        .hide-explanations .explanation{display:none}
        .js-only{display:none}.js .js-only{display:inline-block}
        details.group{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:4px 12px}
        details.group>summary{font-weight:bold;cursor:pointer;padding:6px 0}
        .question{margin:12px 0}
        .q-text{font-weight:600;margin:0}.answer{margin:2px 0 0}.empty{color:var(--muted)}
        fieldset{border:none;padding:0;margin:0}legend{font-weight:600;padding:0}
        details.dialog{display:inline-block;vertical-align:top;margin:6px 6px 6px 0}
        details.dialog[open]{display:block;border:2px solid var(--accent);border-radius:6px;padding:10px;background:var(--soft)}
        details.dialog>summary{list-style:none}
        table{border-collapse:collapse}
        table.list{width:100%;margin:8px 0}
        table.list th,table.list td,table.grid th,table.grid td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
        table.list thead th,table.grid thead th{background:var(--soft)}
        .grid-wrap{overflow-x:auto}
        table.grid td.number{text-align:right}
        tr.depth-1 th{padding-left:28px;font-weight:normal}tr.depth-2 th{padding-left:48px;font-weight:normal}
        tr.collapsed{display:none}
        button.toggle{padding:0 6px;margin-right:6px}
        .state{padding:1px 8px;border-radius:10px;background:#e4e4e4;white-space:nowrap}
        .state.submitted{background:#fdeeb5}.state.approved{background:#c9ebc6}.state.returned{background:#f8d0d0}.state.draft{background:#e2e8f0}
        ul.cards{display:flex;flex-wrap:wrap;gap:10px;list-style:none;padding:0}
        ul.cards li{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:150px}
        .big{display:block;font-size:1.6rem;font-weight:bold}
        .filters{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:flex-end}.filters p{margin:4px 0}
        .tiles,.bars{width:100%;max-width:760px;height:auto}
        .tools{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
        .fullscreen{position:fixed;inset:0;z-index:10;background:#fff;overflow:auto;padding:16px}
        ul.tree ul{border-left:1px dotted var(--line);margin-left:8px}
        .stack p{margin:8px 0}
        code{background:var(--soft);padding:1px 4px}
        """

    static let javascript = """
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
        """
}
