/* tshoot: the offline troubleshooter of the static export (works from file://).
 *
 * Needs <div id="walk" data-locale="<locale>" data-walk="walk/"></div> in the
 * page. State lives in the fragment, as on the server: #s=<token> (the
 * server's tokens), or a start: #article=<id>, #tree=<id>, #q=<text> (the
 * last uses window.tshootSearch when the page loads search.js).
 *
 * Walk data (<data-walk>/meta.js, k<N>.js, a<N>.js; written by
 * src/export/walks.rs) is plain script calling tshootWalkData(locale, name,
 * data), loaded on demand with <script> elements. The data holds what each
 * node shows, precomputed by the server's engine; this script replays a
 * token's steps with the engine's validation rules and renders the node with
 * the server's markup. */
(function () {
  'use strict';

  var root = document.getElementById('walk');
  if (!root) return;
  var LOCALE = root.getAttribute('data-locale') || '';
  var BASE = root.getAttribute('data-walk') || 'walk/';
  var HASH_BYTES = 6;
  var MAX_TOKEN_CHARS = 2048;
  var MAX_OPTIONS = 8;
  var MAX_QUERY_CHARS = 500;
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  var cache = Object.create(null);
  var loading = Object.create(null);

  var earlier = window.tshootWalkData;
  window.tshootWalkData = function (locale, name, data) {
    if (locale === LOCALE) {
      cache[name] = data;
    } else if (typeof earlier === 'function') {
      earlier(locale, name, data);
    }
  };

  /* Loads <BASE><name>.js once; resolves with the data it registered. */
  function load(name) {
    if (name in cache) return Promise.resolve(cache[name]);
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = BASE + name + '.js';
        script.onload = function () {
          if (name in cache) resolve(cache[name]);
          else reject(new Error('walk data ' + name + ' did not register'));
        };
        script.onerror = function () {
          delete loading[name];
          reject(new Error('cannot load walk data ' + script.src));
        };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  /* ---- tokens: base64url (no padding) of version, fingerprint, steps ---- */

  function b64encode(bytes) {
    var out = '';
    var i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      var n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
    }
    if (bytes.length - i === 1) {
      var a = bytes[i] << 16;
      out += ALPHABET[(a >> 18) & 63] + ALPHABET[(a >> 12) & 63];
    } else if (bytes.length - i === 2) {
      var b = (bytes[i] << 16) | (bytes[i + 1] << 8);
      out += ALPHABET[(b >> 18) & 63] + ALPHABET[(b >> 12) & 63] + ALPHABET[(b >> 6) & 63];
    }
    return out;
  }

  /* Strict, like the server: no padding, no stray characters or trailing bits. */
  function b64decode(text) {
    if (text.length % 4 === 1) return null;
    var bytes = [];
    var buffer = 0;
    var bits = 0;
    for (var i = 0; i < text.length; i++) {
      var v = ALPHABET.indexOf(text.charAt(i));
      if (v < 0) return null;
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push((buffer >> bits) & 255);
      }
      buffer &= (1 << bits) - 1;
    }
    return buffer === 0 ? bytes : null;
  }

  function toHex(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }

  function fromHex(text) {
    var out = [];
    for (var i = 0; i + 1 < text.length; i += 2) out.push(parseInt(text.substr(i, 2), 16));
    return out;
  }

  /* A token for steps [{tag, h}], with the exported content's fingerprint. */
  function encode(meta, steps) {
    var bytes = [meta.v].concat(fromHex(meta.fp));
    steps.forEach(function (s) {
      bytes.push(s.tag.charCodeAt(0));
      bytes = bytes.concat(fromHex(s.h));
    });
    return b64encode(bytes);
  }

  function TokenError(kind, version) {
    this.kind = kind;
    this.version = version;
  }

  function nodeIndex(meta) {
    if (!meta.nodeIndex) {
      meta.nodeIndex = Object.create(null);
      Object.keys(meta.trees).forEach(function (t) {
        var nodes = meta.trees[t].nodes;
        Object.keys(nodes).forEach(function (n) {
          meta.nodeIndex[nodes[n].h] = [t, n];
        });
      });
    }
    return meta.nodeIndex;
  }

  /* Fnv-1a (32 bit) of the UTF-8 bytes: which a<N>.js holds an article. */
  function shardOf(meta, id) {
    var bytes = new TextEncoder().encode(id);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % meta.shards;
  }

  async function article(meta, id) {
    var shard = await load('a' + shardOf(meta, id));
    if (!Object.prototype.hasOwnProperty.call(shard, id)) return null;
    shard[id].id = id;
    return shard[id];
  }

  /* Record ids within their own article are written `#<anchor>`. */
  function fullId(art, id) {
    return id.charAt(0) === '#' ? art.id + id : id;
  }

  /* The steps of a token (as Lookup::decode): [{tag, h, id, article, tree, node}]. */
  async function decode(meta, token) {
    if (token.length > MAX_TOKEN_CHARS) throw new TokenError('malformed');
    var bytes = b64decode(token.trim());
    if (!bytes || bytes.length === 0) throw new TokenError('malformed');
    if (bytes[0] !== meta.v) throw new TokenError('version', bytes[0]);
    var rest = bytes.length - 1;
    if (rest < 4 || (rest - 4) % (HASH_BYTES + 1) !== 0) throw new TokenError('malformed');
    var unknown = toHex(bytes.slice(1, 5)) === meta.fp ? 'malformed' : 'stale';
    var steps = [];
    for (var i = 5; i < bytes.length; i += HASH_BYTES + 1) {
      var step = { tag: String.fromCharCode(bytes[i]), h: toHex(bytes.slice(i + 1, i + 1 + HASH_BYTES)) };
      if (step.tag === 't') {
        var node = nodeIndex(meta)[step.h];
        if (!node) throw new TokenError(unknown);
        step.tree = node[0];
        step.node = node[1];
      } else if (step.tag === 'a' || step.tag === 's') {
        var keys = await load('k' + (parseInt(step.h.substr(0, 2), 16) % meta.keys));
        var target = Object.prototype.hasOwnProperty.call(keys, step.h) ? keys[step.h] : null;
        var hashAt = target === null ? -1 : target.indexOf('#');
        if (target === null || (step.tag === 'a') !== (hashAt < 0)) throw new TokenError(unknown);
        step.id = target;
        step.article = hashAt < 0 ? target : target.slice(0, hashAt);
      } else if (step.tag !== 'n' && step.tag !== 'y') {
        throw new TokenError('malformed');
      }
      steps.push(step);
    }
    return { steps: steps, unknown: unknown };
  }

  function crumbs(meta, steps, label) {
    return steps.map(function (s, n) {
      return { label: label(s), token: encode(meta, steps.slice(0, n + 1)) };
    });
  }

  function treeLabel(meta, s) {
    var tree = meta.trees[s.tree];
    var q = tree && tree.nodes[s.node];
    return q ? q.q : '';
  }

  /* A question of an authored tree (Engine::question). */
  function question(meta, all) {
    if (all.length === 0) throw new TokenError('malformed');
    var last = all[all.length - 1];
    var q = meta.trees[last.tree].nodes[last.node];
    var before = all.slice(0, -1);
    return {
      prompt: q.q,
      options: q.o.map(function (o) {
        return { label: o[0], token: encode(meta, all.concat([{ tag: o[1], h: o[2] }])) };
      }),
      records: [],
      related: [],
      recs: {},
      crumbs: crumbs(meta, before, function (s) { return treeLabel(meta, s); }),
      back: all.length > 1 ? encode(meta, before) : null
    };
  }

  /* The node a token stands for (Engine::node). */
  async function node(meta, token) {
    var decoded = await decode(meta, token);
    var all = decoded.steps;
    var split = 0;
    while (split < all.length && all[split].tag === 't') split++;
    if (split === all.length) return question(meta, all);
    var first = all[split];
    if (first.tag !== 's' && first.tag !== 'a') throw new TokenError('malformed');
    var art = await article(meta, first.article);
    if (!art) throw new TokenError(decoded.unknown);
    var start = first.tag === 'a' ? art.w[art.w.length - 1] : art.w.find(function (w) { return w.h === first.h; });
    if (!start) throw new TokenError(decoded.unknown);
    var inPlan = function (h) { return start.p.some(function (p) { return p.k === h; }); };
    var rejected = new Set();
    var fixed = null;
    for (var i = split + 1; i < all.length; i++) {
      var s = all[i];
      if (s.tag === 'n' && inPlan(s.h)) {
        rejected.add(s.h);
      } else if (s.tag === 'y' && i === all.length - 1 && inPlan(s.h)) {
        fixed = s.h;
      } else {
        // A record this export does not know: stale when the content changed.
        var answer = s.tag === 'n' || s.tag === 'y';
        throw new TokenError(answer && !inPlan(s.h) ? decoded.unknown : 'malformed');
      }
    }
    var label = function (s) {
      if (s.tag === 't') return treeLabel(meta, s);
      if (s.tag === 'a') return art.t;
      if (s.tag === 's') return start.l;
      return art.k[s.h] ? art.k[s.h].l : '';
    };
    var view = {
      options: [],
      article: art.id,
      recs: art.rec,
      crumbs: crumbs(meta, all, label),
      back: all.length > 1 ? encode(meta, all.slice(0, -1)) : ''
    };
    var shows;
    if (fixed !== null) {
      view.prompt = meta.msg['tree-resolved'];
      shows = art.k[fixed];
    } else {
      var attempt = start.p.find(function (p) { return !rejected.has(p.k); });
      if (!attempt) {
        view.prompt = meta.msg['tree-escalate'];
        shows = start.e;
      } else {
        view.prompt = meta.msg['tree-did-it-fix'];
        shows = attempt;
        view.options = [
          { label: meta.msg['tree-yes'], token: encode(meta, all.concat([{ tag: 'y', h: attempt.k }])) },
          { label: meta.msg['tree-no'], token: encode(meta, all.concat([{ tag: 'n', h: attempt.k }])) }
        ];
      }
    }
    view.records = shows.r;
    view.related = shows.x;
    return view;
  }

  function startView(meta, prompt, options) {
    return { prompt: prompt, options: options, records: [], related: [], recs: {}, crumbs: [], back: null };
  }

  /* ArticleId::sanitize. */
  function sanitize(text) {
    var out = '';
    for (var c of text.toLowerCase()) {
      if (/^[a-z0-9._-]$/.test(c)) out += c;
      else if (out.charAt(out.length - 1) !== '-') out += '-';
    }
    out = out.replace(/^-+|-+$/g, '');
    return out || 'article';
  }

  /* #article=<id> (Engine::start with Entry::Article); null: no such article. */
  async function articleStart(meta, id) {
    var art = await article(meta, sanitize(id));
    if (!art) return null;
    if (art.n === 0) return node(meta, encode(meta, [{ tag: 'a', h: art.h }]));
    var options = art.w.slice(0, Math.min(art.n, MAX_OPTIONS)).map(function (w) {
      return { label: w.l, token: encode(meta, [{ tag: 's', h: w.h }]) };
    });
    return startView(meta, meta.msg['tree-which-symptom'], options);
  }

  /* #q=<text> (Engine::start with Entry::Query), through the offline search. */
  async function queryStart(meta, text) {
    var options = [];
    var search = window.tshootSearch;
    if (search && typeof search.query === 'function') {
      try {
        var hits = (await search.query(text, { kind: 'symptom', limit: MAX_OPTIONS })) || [];
        var symptoms = hits.map(function (h) { return String(h.id || ''); }).filter(function (id) {
          return id.indexOf('#') > 0;
        });
        for (var id of symptoms.slice(0, MAX_OPTIONS)) {
          var art = await article(meta, id.slice(0, id.indexOf('#')));
          var w = art && art.w.find(function (x) { return x.id !== null && fullId(art, x.id) === id; });
          if (w) options.push({ label: w.l, token: encode(meta, [{ tag: 's', h: w.h }]) });
        }
        if (symptoms.length === 0) {
          var found = (await search.query(text, { limit: MAX_OPTIONS, perArticle: true })) || [];
          var seen = new Set();
          for (var hit of found) {
            var aid = sanitize(String(hit.article || String(hit.id || '').split('#')[0]));
            if (seen.has(aid) || seen.size >= MAX_OPTIONS) continue;
            seen.add(aid);
            var a = await article(meta, aid);
            if (a) options.push({ label: a.t, token: encode(meta, [{ tag: 'a', h: a.h }]) });
          }
        }
      } catch (e) {
        options = [];
      }
    }
    if (options.length === 0) {
      var view = startView(meta, format(meta.msg['tree-no-match'], { query: text }), []);
      view.form = true;
      view.query = text;
      return view;
    }
    return startView(meta, meta.msg['tree-which-symptom'], options);
  }

  /* The start form, with an optional error banner. */
  function formView(meta, error, query) {
    var view = startView(meta, meta.msg['portal-describe'], []);
    view.form = true;
    view.error = error || null;
    view.query = query || '';
    return view;
  }

  function format(text, args) {
    return String(text).replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(args, name) ? args[name] : m;
    });
  }

  function errorText(meta, e) {
    if (e instanceof TokenError) {
      if (e.kind === 'version') return format(meta.err.version, { version: e.version });
      return meta.err[e.kind] || meta.err.malformed;
    }
    return meta.err.malformed;
  }

  /* What the fragment asks for (the server's precedence: s, q, article, tree). */
  async function view(meta) {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    var s = params.get('s');
    var q = params.get('q');
    if (q !== null) q = Array.from(q).slice(0, MAX_QUERY_CHARS).join('');
    if (s) {
      try {
        return await node(meta, s);
      } catch (e) {
        return formView(meta, errorText(meta, e), q);
      }
    }
    try {
      if (q !== null && q.trim() !== '') return await queryStart(meta, q);
      var a = params.get('article');
      if (a !== null) return (await articleStart(meta, a)) || formView(meta, null, q);
      var t = params.get('tree');
      if (t !== null && Object.prototype.hasOwnProperty.call(meta.trees, t)) {
        var tree = meta.trees[t];
        var start = tree.nodes[tree.start];
        if (start) return await node(meta, encode(meta, [{ tag: 't', h: start.h }]));
      }
    } catch (e) {
      return formView(meta, null, q);
    }
    return formView(meta, null, q);
  }

  /* ---- rendering: the markup of the server's troubleshoot.html ---- */

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    }
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function href(token) {
    return token ? '#s=' + token : '#';
  }

  function roleLabel(meta, role, id) {
    var m = meta.msg;
    switch (role) {
      case 'symptom': return m['tree-symptom'];
      case 'cause': return m['tree-cause'];
      case 'solution': return m['tree-solution'];
      case 'resolved': return m['tree-fixed-by'];
      case 'next-steps': return m['tree-next-steps'];
      default: return format(m['tree-reference'], { article: id.split('#')[0] });
    }
  }

  function render(meta, v) {
    var m = meta.msg;
    var out = document.createDocumentFragment();
    if (v.crumbs.length) {
      var nav = el('nav', { 'aria-label': m['portal-steps'] });
      var ol = el('ol', { class: 'crumbs' });
      v.crumbs.forEach(function (c) {
        var li = el('li');
        li.appendChild(el('a', { href: href(c.token) }, c.label));
        ol.appendChild(li);
      });
      nav.appendChild(ol);
      out.appendChild(nav);
    }
    if (v.error) out.appendChild(el('p', { class: 'banner', role: 'alert' }, v.error));
    v.records.forEach(function (r) {
      var id = fullId({ id: v.article }, r[0]);
      var role = r[1];
      var rec = v.recs[r[0]] || { h: '' };
      var section = el('section', { class: 'record record-' + role, 'data-record': id });
      section.appendChild(el('h2', null, roleLabel(meta, role, id)));
      if (rec.f) section.appendChild(el('p', { class: 'badge', role: 'note' }, rec.f));
      // Sanitized when exported (render::markdown_html).
      section.insertAdjacentHTML('beforeend', rec.h);
      (rec.u || []).forEach(function (u) {
        section.appendChild(el('p', { class: 'unresolved' }, format(m['tree-unresolved'], { target: u })));
      });
      out.appendChild(section);
    });
    if (v.related.length) {
      out.appendChild(el('h2', null, m['tree-related']));
      var ul = el('ul');
      v.related.forEach(function (a) {
        var li = el('li');
        li.appendChild(el('a', { href: a[2] }, a[1]));
        ul.appendChild(li);
      });
      out.appendChild(ul);
    }
    if (v.form) {
      var form = el('form', { action: '', method: 'get' });
      form.appendChild(el('label', { for: 'tq' }, m['portal-describe']));
      var input = el('input', { id: 'tq', name: 'q', type: 'text', maxlength: String(MAX_QUERY_CHARS) });
      input.value = v.query || '';
      form.appendChild(input);
      form.appendChild(el('button', { type: 'submit' }, m['portal-search-button']));
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var text = input.value.trim();
        window.location.hash = text ? 'q=' + encodeURIComponent(text) : '';
      });
      out.appendChild(form);
    }
    out.appendChild(el('h2', { class: 'prompt', tabindex: '-1' }, v.prompt));
    if (v.options.length) {
      var options = el('ul', { class: 'options' });
      v.options.forEach(function (o) {
        var li = el('li');
        li.appendChild(el('a', { class: 'option', href: href(o.token) }, o.label));
        options.appendChild(li);
      });
      out.appendChild(options);
    }
    if (v.back !== null && v.back !== undefined) {
      var p = el('p');
      p.appendChild(el('a', { href: href(v.back), class: 'back' }, '← ' + m['tree-back']));
      out.appendChild(p);
    }
    while (root.firstChild) root.removeChild(root.firstChild);
    root.appendChild(out);
  }

  var generation = 0;

  async function update(moved) {
    var mine = ++generation;
    root.setAttribute('aria-busy', 'true');
    var meta;
    try {
      meta = await load('meta');
    } catch (e) {
      root.removeAttribute('aria-busy');
      root.textContent = 'The troubleshooter data is missing (' + BASE + 'meta.js).';
      return;
    }
    var v = await view(meta);
    if (mine !== generation) return;
    render(meta, v);
    root.removeAttribute('aria-busy');
    root.setAttribute('data-state', window.location.hash);
    if (moved) {
      window.scrollTo(0, 0);
      var prompt = root.querySelector('h2.prompt');
      if (prompt) prompt.focus({ preventScroll: true });
    }
  }

  /* Whether the fragment is walk state (not an in-page anchor such as a
   * record's `#solution-1` link, which leaves the walk as it is). */
  function isState(hash) {
    var params = new URLSearchParams(hash.replace(/^#/, ''));
    return hash === '' || hash === '#' || ['s', 'q', 'article', 'tree'].some(function (k) { return params.has(k); });
  }

  window.addEventListener('hashchange', function () {
    if (isState(window.location.hash)) update(true);
  });
  update(false);
})();
