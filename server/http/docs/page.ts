// The /api/docs page: static HTML, one script and one stylesheet, all served by Mailroom itself.
// The script fetches openapi.json and renders every operation (method, path, summary,
// parameters, request body and response shapes) with DOM text nodes only (no innerHTML).
// Plain ES2020 in a string because it runs in the browser, not on the server.

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mailroom API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/docs.css">
<script type="module" src="docs/docs.js"></script>
</head>
<body>
<header>
  <h1 id="title">Mailroom API</h1>
  <p id="about"></p>
  <p><a href="openapi.json">openapi.json</a> · <a href="/">inbox</a></p>
</header>
<nav id="toc" aria-label="Operations"></nav>
<main id="operations"><p id="status">Loading the API description…</p></main>
</body>
</html>
`;

export const DOCS_CSS = `
:root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #fff; --code: #f3f5f8; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa3b2; --line: #343a46; --bg: #15181e; --code: #1e232b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); display: grid; grid-template-columns: 18rem 1fr; grid-template-rows: auto 1fr; min-height: 100vh; }
header { grid-column: 1 / -1; padding: 1rem 1.5rem; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 .25rem; font-size: 1.4rem; }
header p { margin: .2rem 0; color: var(--muted); }
nav { padding: 1rem; border-right: 1px solid var(--line); overflow: auto; font-size: .85rem; }
nav h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 1rem 0 .3rem; }
nav a { display: block; padding: .15rem 0; color: inherit; text-decoration: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
nav a:hover { text-decoration: underline; }
main { padding: 1rem 1.5rem 4rem; overflow: auto; }
main > h2 { margin: 2rem 0 .5rem; text-transform: capitalize; }
section.op { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1rem; }
section.op h3 { margin: 0; font-size: 1rem; font-weight: 600; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
.method { font: 600 .75rem ui-monospace, monospace; padding: .1rem .45rem; border-radius: 4px; color: #fff; text-transform: uppercase; }
.get { background: #2f6fd6; } .post { background: #1f8a4c; } .put, .patch { background: #b4690e; } .delete { background: #c0392b; } .head, .options { background: #6b7280; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
pre { background: var(--code); padding: .6rem .8rem; border-radius: 6px; overflow: auto; margin: .3rem 0 .6rem; }
h4 { margin: .8rem 0 .2rem; font-size: .85rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.muted { color: var(--muted); }
@media (max-width: 800px) { body { grid-template-columns: 1fr; } nav { display: none; } }
`;

export const DOCS_JS = String.raw`
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function resolve(doc, schema) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 20; i++) {
    const path = s.$ref.replace(/^#\//, '').split('/');
    s = path.reduce((o, k) => (o ? o[k] : undefined), doc);
  }
  return s || {};
}

// A compact, TypeScript-like rendering of a JSON schema.
function shape(doc, schema, indent, depth) {
  const s = resolve(doc, schema);
  if (depth > 8) return '…';
  const pad = '  '.repeat(indent);
  const alts = s.anyOf || s.oneOf;
  if (alts) return alts.map((a) => shape(doc, a, indent, depth + 1)).join(' | ');
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const types = Array.isArray(s.type) ? s.type : [s.type || (s.properties ? 'object' : 'any')];
  return types.map((t) => {
    if (t === 'array') return shape(doc, s.items || {}, indent, depth + 1) + '[]';
    if (t === 'object') {
      const props = s.properties || {};
      const names = Object.keys(props);
      if (names.length === 0) return 'object';
      const req = new Set(s.required || []);
      const lines = names.map((n) => {
        const p = resolve(doc, props[n]);
        const note = p.description ? '  // ' + p.description : '';
        return pad + '  ' + n + (req.has(n) ? '' : '?') + ': ' + shape(doc, p, indent + 1, depth + 1) + note;
      });
      return '{\n' + lines.join('\n') + '\n' + pad + '}';
    }
    let out = t;
    if (s.format) out += ' (' + s.format + ')';
    if (s.pattern) out += ' /' + s.pattern + '/';
    if (s.minimum !== undefined || s.maximum !== undefined) out += ' [' + (s.minimum ?? '') + '..' + (s.maximum ?? '') + ']';
    if (s.default !== undefined) out += ' = ' + JSON.stringify(s.default);
    return out;
  }).join(' | ');
}

function renderOperation(doc, path, method, op, id) {
  const section = el('section', { class: 'op', id },
    el('h3', {}, el('span', { class: 'method ' + method }, method), el('code', {}, path), el('span', {}, op.summary || '')));
  if (op.description) section.append(el('p', {}, op.description));
  const params = op.parameters || [];
  if (params.length) {
    section.append(el('h4', {}, 'Parameters'));
    const rows = params.map((p) => {
      const q = resolve(doc, p);
      return el('tr', {}, el('td', {}, el('code', {}, q.name)), el('td', {}, q.in), el('td', {}, q.required ? 'required' : 'optional'),
        el('td', {}, el('code', {}, shape(doc, q.schema || {}, 0, 0))), el('td', { class: 'muted' }, (q.schema && q.schema.description) || q.description || ''));
    });
    section.append(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'in'), el('th', {}, ''), el('th', {}, 'type'), el('th', {}, ''))), el('tbody', {}, ...rows)));
  }
  if (op.requestBody) {
    section.append(el('h4', {}, 'Request body'));
    for (const [type, media] of Object.entries(op.requestBody.content || {})) {
      section.append(el('p', { class: 'muted' }, type), el('pre', {}, shape(doc, media.schema || {}, 0, 0)));
    }
  }
  const responses = Object.entries(op.responses || {});
  if (responses.length) {
    section.append(el('h4', {}, 'Responses'));
    for (const [status, response] of responses) {
      const r = resolve(doc, response);
      section.append(el('p', {}, el('strong', {}, status), ' ', el('span', { class: 'muted' }, r.description || '')));
      for (const [type, media] of Object.entries(r.content || {})) {
        section.append(el('pre', {}, type + '\n' + shape(doc, media.schema || {}, 0, 0)));
      }
    }
  }
  return section;
}

async function main() {
  const status = document.getElementById('status');
  let doc;
  try {
    const res = await fetch('openapi.json', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    doc = await res.json();
  } catch (err) {
    status.textContent = 'Could not load openapi.json: ' + err.message;
    return;
  }
  const info = doc.info || {};
  document.getElementById('title').textContent = (info.title || 'API') + ' ' + (info.version || '');
  document.getElementById('about').textContent = (info.description || '') + ' OpenAPI ' + doc.openapi + '.';
  const groups = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push({ path, method, op });
    }
  }
  const main = document.getElementById('operations');
  const toc = document.getElementById('toc');
  status.remove();
  let n = 0;
  const order = (doc.tags || []).map((t) => t.name);
  const rank = (tag) => (order.indexOf(tag) === -1 ? order.length : order.indexOf(tag));
  for (const [tag, ops] of [...groups].sort((a, b) => rank(a[0]) - rank(b[0]))) {
    const description = ((doc.tags || []).find((t) => t.name === tag) || {}).description;
    main.append(el('h2', { id: 'tag-' + tag }, tag), description ? el('p', { class: 'muted' }, description) : null);
    toc.append(el('h2', {}, tag));
    for (const { path, method, op } of ops) {
      const id = 'op-' + n++;
      main.append(renderOperation(doc, path, method, op, id));
      toc.append(el('a', { href: '#' + id }, method.toUpperCase() + ' ' + path));
    }
  }
  document.body.dataset.operations = String(n);
}

main();
`;
