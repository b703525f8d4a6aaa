/* tshoot: the offline troubleshooter of the static export (works from file://).
 *
 * Needs <div id="walk" data-locale="<locale>" data-walk="walk/"></div> in the
 * page. State lives in the fragment, as on the server: #s=<token> (the
 * server's tokens), or a start: #article=<id>, #tree=<id>, #q=<text> (the
 * last uses window.tshootSearch when the page loads search.js).
 *
 * Walk data (written by src/export/walks.rs) is plain script calling
 * tshootWalkData(folder, name, data), loaded on demand with <script>
 * elements: the reader's meta.js and k<N>.js from <data-walk>, and each
 * article's a<N>.js from the locale folder the key names (a sibling of this
 * one, <data-walk>../../<folder>/walk/; a German reader of an English-only
 * article reads the English data). The data holds what each node shows,
 * precomputed by the server's engine; this script replays a token's steps
 * with the engine's validation rules and renders the node with the server's
 * markup, in the reader's language: its prompts and labels come from the
 * reader's meta, and a record whose text is not in the reader's locale gets
 * the "not translated" badge. */
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

  /* Loaded data by "<folder>/<name>". */
  var cache = Object.create(null);
  var loading = Object.create(null);

  var earlier = window.tshootWalkData;
  window.tshootWalkData = function (folder, name, data) {
    cache[folder + '/' + name] = data;
    if (typeof earlier === 'function') earlier(folder, name, data);
  };

  /* The walk folder of a locale: ours, or a sibling locale folder's. */
  function folderBase(folder) {
    if (folder === LOCALE) return BASE;
    if (!/^[a-z0-9-]+$/.test(folder)) throw new TokenError('malformed');
    return BASE + '../../' + folder + '/walk/';
  }

  /* Loads <folder's walk/><name>.js once; resolves with the data it registered. */
  function load(folder, name) {
    var key = folder + '/' + name;
    if (key in cache) return Promise.resolve(cache[key]);
    if (!loading[key]) {
      var src = folderBase(folder) + name + '.js';
      loading[key] = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = src;
        script.onload = function () {
          if (key in cache) resolve(cache[key]);
          else reject(new Error('walk data ' + src + ' did not register'));
        };
        script.onerror = function () {
          delete loading[key];
          reject(new Error('cannot load walk data ' + src));
        };
        document.head.appendChild(script);
      });
    }
    return loading[key];
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

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  /* The short hash of an id (token::short_hash): the first 6 bytes of the
   * SHA-1 of its UTF-8 bytes, in hex. */
  function shortHash(text) {
    var bytes = Array.from(new TextEncoder().encode(text));
    var bits = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) bytes.push(0);
    var high = Math.floor(bits / 0x100000000);
    bytes.push(high >>> 24, (high >>> 16) & 255, (high >>> 8) & 255, high & 255);
    var low = bits >>> 0;
    bytes.push(low >>> 24, (low >>> 16) & 255, (low >>> 8) & 255, low & 255);
    var h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
    var w = new Array(80);
    for (var at = 0; at < bytes.length; at += 64) {
      for (var t = 0; t < 80; t++) {
        if (t < 16) {
          var i = at + 4 * t;
          w[t] = (bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3];
        } else {
          var x = w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16];
          w[t] = (x << 1) | (x >>> 31);
        }
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
      for (t = 0; t < 80; t++) {
        var f, k;
        if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        var next = (((a << 5) | (a >>> 27)) + f + e + k + w[t]) | 0;
        e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = next;
      }
      h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0;
      h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
    }
    var out = [];
    h.slice(0, 2).forEach(function (v) { out.push(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); });
    return toHex(out.slice(0, HASH_BYTES));
  }

  /* Where the reader finds the data of a step hash (its k<N>.js entry):
   * {folder, shard, h: article hash, start: whether it is a walk start}; null: none. */
  async function locate(meta, h) {
    var keys = await load(LOCALE, 'k' + (parseInt(h.substr(0, 2), 16) % meta.keys));
    if (!own(keys, h)) return null;
    var e = keys[h];
    return { folder: e[0], shard: e[1], h: e.length > 2 ? e[2] : h, start: e.length > 2 };
  }

  /* An article's data from the folder a key names; null: not there. */
  async function article(where) {
    var shard = await load(where.folder, 'a' + where.shard);
    if (!own(shard, where.h)) return null;
    var art = shard[where.h];
    art.id = art.i;
    art.h = where.h;
    art.folder = where.folder;
    return art;
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
        var where = await locate(meta, step.h);
        if (where === null || (step.tag === 's') !== where.start) throw new TokenError(unknown);
        step.where = where;
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
    var art = await article(first.where);
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
      folder: art.folder,
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

  /* The data of an article by id; null: no such article. */
  async function articleById(meta, id) {
    var where = await locate(meta, shortHash(id));
    return where && !where.start ? article(where) : null;
  }

  /* #article=<id> (Engine::start with Entry::Article); null: no such article. */
  async function articleStart(meta, id) {
    var art = await articleById(meta, sanitize(id));
    if (!art) return null;
    if (art.n === 0) return node(meta, encode(meta, [{ tag: 'a', h: art.h }]));
    var options = art.w.slice(0, Math.min(art.n, MAX_OPTIONS)).map(function (w) {
      return { label: w.l, token: encode(meta, [{ tag: 's', h: w.h }]) };
    });
    return startView(meta, meta.msg['tree-which-symptom'], options);
  }

  /* #code=<code> (Engine::start with Entry::ErrorCode): the symptoms of the
   * articles that carry the code, then those articles without symptoms. */
  async function codeStart(meta, code) {
    var h = shortHash('code:' + code.trim().toLowerCase());
    var keys = await load(LOCALE, 'k' + (parseInt(h.substr(0, 2), 16) % meta.keys));
    var hashes = own(keys, h) && keys[h].c ? keys[h].c : [];
    var symptoms = [];
    var bare = [];
    for (var ah of hashes) {
      var where = await locate(meta, ah);
      var art = where && !where.start ? await article(where) : null;
      if (!art) continue;
      if (art.n === 0) bare.push(art);
      for (var w of art.w.slice(0, art.n)) symptoms.push(w);
    }
    var options = symptoms.slice(0, MAX_OPTIONS).map(function (w) {
      return { label: w.l, token: encode(meta, [{ tag: 's', h: w.h }]) };
    });
    var room = Math.max(MAX_OPTIONS - options.length, symptoms.length === 0 ? 50 : 0);
    for (var a of bare.slice(0, room)) options.push({ label: a.t, token: encode(meta, [{ tag: 'a', h: a.h }]) });
    return choices(meta, options, code);
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
          var h = shortHash(id);
          var where = await locate(meta, h);
          var art = where && where.start ? await article(where) : null;
          var w = art && art.w.find(function (x) { return x.h === h; });
          if (w) options.push({ label: w.l, token: encode(meta, [{ tag: 's', h: w.h }]) });
        }
        if (symptoms.length === 0) {
          var found = (await search.query(text, { limit: MAX_OPTIONS, perArticle: true })) || [];
          var seen = new Set();
          for (var hit of found) {
            var aid = sanitize(String(hit.article || String(hit.id || '').split('#')[0]));
            if (seen.has(aid) || seen.size >= MAX_OPTIONS) continue;
            seen.add(aid);
            var a = await articleById(meta, aid);
            if (a) options.push({ label: a.t, token: encode(meta, [{ tag: 'a', h: a.h }]) });
          }
        }
      } catch (e) {
        options = [];
      }
    }
    return choices(meta, options, text);
  }

  /* The start's options, or when there are none, the form with "no match for <asked>". */
  function choices(meta, options, asked) {
    if (options.length > 0) return startView(meta, meta.msg['tree-which-symptom'], options);
    var view = startView(meta, format(meta.msg['tree-no-match'], { query: asked }), []);
    view.form = true;
    view.query = asked;
    return view;
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

  /* What the fragment asks for (the server's precedence: s, q, article, code, tree). */
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
      var c = params.get('code');
      if (c !== null && c.trim() !== '') return await codeStart(meta, Array.from(c).slice(0, MAX_QUERY_CHARS).join(''));
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
      // The text's locale: the data's folder unless the record says otherwise.
      var textLocale = rec.l || v.folder;
      if (textLocale !== LOCALE) {
        section.appendChild(el('p', { class: 'badge', role: 'note' }, format(m['tree-not-translated'], { language: textLocale })));
      }
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
      meta = await load(LOCALE, 'meta');
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
    return hash === '' || hash === '#' || ['s', 'q', 'article', 'code', 'tree'].some(function (k) { return params.has(k); });
  }

  window.addEventListener('hashchange', function () {
    if (isState(window.location.hash)) update(true);
  });
  update(false);
})();
