"""The inline stylesheet and script of to_html's page: a layered layout of the visible units
(ops, folded scopes) drawn as SVG, redrawn when a scope is folded or unfolded.

`renderSVG(GRAPH, collapsed)` is pure (returns the SVG text) so tests can run it under Node.
"""

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0; background: #ffffff; }
#bar { padding: 6px 10px; border-bottom: 1px solid #cbd5e1; font-size: 13px; }
#view { overflow: auto; }
.node rect { stroke: #334155; stroke-width: 1; }
.node text { font-size: 11px; fill: #0f172a; }
.node text.sub { font-size: 9px; fill: #475569; }
.node.group rect { stroke-dasharray: 4 2; cursor: pointer; }
.scope rect { fill: #f8fafc; stroke: #94a3b8; }
.scope text { font-size: 10px; fill: #334155; cursor: pointer; }
.edge { fill: none; stroke: #475569; stroke-width: 1; }
.edge.control { stroke: #9ca3af; stroke-dasharray: 4 3; }
"""

SCRIPT = r"""
function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
function initialCollapsed(g) {
  var c = {};
  g.folds.forEach(function (f) { c[f] = true; });
  return c;
}
function unitOf(n, collapsed) {
  for (var i = 0; i < n.path.length; i++) {
    if (collapsed[n.path[i]]) return {id: 'G:' + n.path[i], key: n.path[i], depth: i};
  }
  return {id: 'N:' + n.name, key: null, depth: n.path.length};
}
function groupLabel(key) {
  return key.slice(-7) === '/(init)' ? key.slice(0, -7) + ' initializer' : key;
}
function layout(g, collapsed) {
  var units = {}, list = [], nodeUnit = [];
  g.nodes.forEach(function (n, i) {
    var u = unitOf(n, collapsed);
    nodeUnit.push(u.id);
    if (!units[u.id]) {
      var label = u.key ? groupLabel(u.key) : n.name.split('/').pop();
      var sub = u.key ? '' : n.type;
      units[u.id] = {id: u.id, key: u.key, order: i, count: 0, label: label, sub: sub,
                     kind: u.key ? 'fold' : n.kind, name: u.key || n.name, type: u.key ? 'folded'
                     : n.type, tip: u.key ? '' : n.name + ' (' + n.type + ', ' + n.shape +
                     ', created at ' + n.site + ')', path: n.path.slice(0, u.depth),
                     preds: [], layer: 0};
      list.push(units[u.id]);
    }
    units[u.id].count += 1;
  });
  var edges = [], seen = {};
  g.edges.forEach(function (e) {
    var a = nodeUnit[e[0]], b = nodeUnit[e[1]], k = a + '>' + b + (e[2] ? 'c' : '');
    if (a === b || seen[k]) return;
    seen[k] = true;
    edges.push({a: units[a], b: units[b], control: e[2]});
    if (units[a].order < units[b].order) units[b].preds.push(units[a]);
  });
  list.forEach(function (u) {
    if (u.key) u.sub = u.count + ' ops, folded [+]';
    u.preds.forEach(function (p) { u.layer = Math.max(u.layer, p.layer + 1); });
    u.w = Math.max(u.label.length, u.sub.length * 0.8) * 7 + 20;
    u.h = 34;
  });
  var layers = [];
  list.forEach(function (u) { (layers[u.layer] = layers[u.layer] || []).push(u); });
  layers.forEach(function (row, li) {
    row.forEach(function (u, i) { u.pos = i; });
    if (li === 0) return;
    row.forEach(function (u) {
      u.bary = u.preds.length ? u.preds.reduce(function (s, p) { return s + p.pos; }, 0) /
        u.preds.length : u.pos;
    });
    row.sort(function (x, y) { return x.bary - y.bary || x.order - y.order; });
    row.forEach(function (u, i) { u.pos = i; });
  });
  var width = 0;
  layers.forEach(function (row) {
    var x = 0;
    row.forEach(function (u) { u.x = x; x += u.w + 24; });
    row.span = x;
    width = Math.max(width, x);
  });
  layers.forEach(function (row, li) {
    var shift = 40 + (width - row.span) / 2;
    row.forEach(function (u) { u.x += shift; u.y = 40 + li * 80; });
  });
  return {units: list, edges: edges, scopes: scopeBoxes(list),
          width: width + 80, height: layers.length * 80 + 60};
}
function scopeBoxes(list) {
  var boxes = {};
  list.forEach(function (u) {
    u.path.forEach(function (c, depth) {
      var b = boxes[c] || (boxes[c] = {key: c, depth: depth, x0: 1e9, y0: 1e9, x1: -1e9,
                                        y1: -1e9, inner: 0});
      b.inner = Math.max(b.inner, u.path.length - depth - 1);
      b.x0 = Math.min(b.x0, u.x); b.y0 = Math.min(b.y0, u.y);
      b.x1 = Math.max(b.x1, u.x + u.w); b.y1 = Math.max(b.y1, u.y + u.h);
    });
  });
  var out = Object.keys(boxes).map(function (k) { return boxes[k]; });
  out.forEach(function (b) {
    var pad = 6 + 6 * b.inner;
    b.x0 -= pad; b.x1 += pad; b.y0 -= pad + 12; b.y1 += pad;
  });
  out.sort(function (p, q) { return p.depth - q.depth; });
  return out;
}
function renderSVG(g, collapsed) {
  var L = layout(g, collapsed), s = [];
  s.push('<svg xmlns="http://www.w3.org/2000/svg" id="graph" width="' + L.width +
         '" height="' + L.height + '" viewBox="0 0 ' + L.width + ' ' + L.height + '">');
  s.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" ' +
         'markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#475569"/></marker>' +
         '</defs>');
  L.scopes.forEach(function (b) {
    s.push('<g class="scope" data-scope="' + esc(b.key) + '"><rect x="' + b.x0 + '" y="' +
           b.y0 + '" width="' + (b.x1 - b.x0) + '" height="' + (b.y1 - b.y0) +
           '" rx="6"/><text x="' + (b.x0 + 6) + '" y="' + (b.y0 + 12) + '" data-toggle="' +
           esc(b.key) + '">[-] ' + esc(groupLabel(b.key)) + '</text></g>');
  });
  L.edges.forEach(function (e) {
    var x1 = e.a.x + e.a.w / 2, y1 = e.a.y + e.a.h, x2 = e.b.x + e.b.w / 2, y2 = e.b.y;
    var my = (y1 + y2) / 2;
    s.push('<path class="edge' + (e.control ? ' control' : '') + '" marker-end="url(#arrow)" ' +
           'd="M' + x1 + ',' + y1 + ' C' + x1 + ',' + my + ' ' + x2 + ',' + my + ' ' + x2 +
           ',' + y2 + '"/>');
  });
  L.units.forEach(function (u) {
    var attrs = ' data-name="' + esc(u.name) + '" data-type="' + esc(u.type) + '"';
    if (u.key) attrs += ' data-toggle="' + esc(u.key) + '"';
    s.push('<g class="node' + (u.key ? ' group' : '') + '"' + attrs + '><title>' +
           esc(u.tip || u.name) + '</title><rect x="' + u.x + '" y="' + u.y + '" width="' +
           u.w + '" height="' + u.h + '" rx="5" fill="' + g.colors[u.kind] + '"/><text x="' +
           (u.x + 8) + '" y="' + (u.y + 14) + '">' + esc(u.label) + '</text><text class="sub" x="' +
           (u.x + 8) + '" y="' + (u.y + 27) + '">' + esc(u.sub) + '</text></g>');
  });
  s.push('</svg>');
  return s.join('\n');
}
function init() {
  var collapsed = initialCollapsed(GRAPH), view = document.getElementById('view');
  function draw() { view.innerHTML = renderSVG(GRAPH, collapsed); }
  view.addEventListener('click', function (e) {
    var t = e.target.closest('[data-toggle]');
    if (!t) return;
    var k = t.getAttribute('data-toggle');
    if (collapsed[k]) delete collapsed[k]; else collapsed[k] = true;
    draw();
  });
  document.getElementById('fold-all').onclick = function () {
    GRAPH.nodes.forEach(function (n) { if (n.path.length) collapsed[n.path[0]] = true; });
    draw();
  };
  document.getElementById('unfold-all').onclick = function () { collapsed = {}; draw(); };
  draw();
}
if (typeof document !== 'undefined') init();
"""
