/* tshoot offline search. A plain script (no modules, no fetch, no wasm) so it
 * works from file://: the indexes (written by src/export/search.rs, whose module
 * documentation describes the format) are loaded by inserting <script> tags,
 * each calling tshootSearchData(locale, name, data).
 *
 * The page says where the reader's index is: an element with data-index="search/"
 * (the search page: <div id="results" data-locale="de-de" data-index="search/">)
 * or data-search-index="search/" (the troubleshooter), and data-locale. The
 * reader's meta.js names the indexes to search (its own, then the fallback
 * locales', in folders beside it: ../en-us/search/) and which of their
 * documents it sees; results of all of them are merged and ranked.
 * API: tshootSearch.query(text, {kind, limit, perArticle}) → Promise<hits>;
 * show(text, container?); tokens(text); countText(n); configure({index, locale});
 * loaded() → the absolute URLs of the data files loaded so far, in order. */
(function () {
  "use strict";

  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var RUN = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_]+/gu;
  var SHOWN = 20;
  var PER_ARTICLE = 2;

  // ---- Tokens: exactly as tokens() in search.rs. ----

  function isCjk(c) {
    return c === 0x3005 || c === 0x3007 || (c >= 0x3021 && c <= 0x3029) || (c >= 0x3040 && c <= 0x30ff) ||
      (c >= 0x31f0 && c <= 0x31ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff66 && c <= 0xff9f) || (c >= 0x20000 && c <= 0x3134f);
  }

  /* A lowercased run cut into CJK and other segments: [{chars, cjk}]. */
  function segments(run) {
    var chars = Array.from(run);
    var out = [];
    var i = 0;
    while (i < chars.length) {
      var cjk = isCjk(chars[i].codePointAt(0));
      var j = i;
      while (j < chars.length && isCjk(chars[j].codePointAt(0)) === cjk) j++;
      out.push({ chars: chars.slice(i, j), cjk: cjk });
      i = j;
    }
    return out;
  }

  function segmentTokens(seg, out) {
    var c = seg.chars;
    if (seg.cjk) {
      if (c.length === 1) out.push(c[0]);
      else for (var i = 0; i + 1 < c.length; i++) out.push(c[i] + c[i + 1]);
      return;
    }
    var s = c.join("");
    if (!/[^_]/.test(s)) return;
    out.push(s);
    if (s.indexOf("_") >= 0) {
      s.split("_").forEach(function (p) {
        if (p) out.push(p);
      });
    }
  }

  function tokens(text) {
    var out = [];
    var m;
    RUN.lastIndex = 0;
    while ((m = RUN.exec(text))) {
      segments(m[0].toLowerCase()).forEach(function (seg) {
        segmentTokens(seg, out);
      });
    }
    return out;
  }

  // ---- Loading data files by <script> tags. ----

  var config = null;
  var data = {};
  var pending = {};
  var loadedFiles = [];
  /* Index locale → {locale, meta, shards: {i: {keys, map}}}. */
  var indexes = {};
  var readerPromise = null;

  window.tshootSearchData = function (locale, name, value) {
    data[locale + "/" + name] = value;
  };

  function findConfig() {
    if (config) return config;
    var el = document.querySelector("[data-index],[data-search-index]");
    if (!el) throw new Error("tshoot search: no element with data-index or data-search-index");
    var base = el.getAttribute("data-index") || el.getAttribute("data-search-index") || "search/";
    if (base.charAt(base.length - 1) !== "/") base += "/";
    config = { base: base, locale: el.getAttribute("data-locale") || document.documentElement.lang || "" };
    return config;
  }

  /* The folder of a locale's index: the reader's is the page's data-index
   * (`<site>/<reader>/search/`); the others sit beside it. */
  function baseOf(locale) {
    var c = findConfig();
    if (locale === c.locale) return c.base;
    if (c.base === "search/") return "../" + locale + "/search/";
    return c.base + "../../" + locale + "/search/";
  }

  function load(locale, name) {
    var key = locale + "/" + name;
    if (key in data) return Promise.resolve(data[key]);
    if (pending[key]) return pending[key];
    pending[key] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = baseOf(locale) + name + ".js";
      s.async = true;
      s.onload = function () {
        delete pending[key];
        loadedFiles.push(s.src);
        if (key in data) resolve(data[key]);
        else reject(new Error("tshoot search: " + s.src + " holds no data for " + key));
      };
      s.onerror = function () {
        delete pending[key];
        reject(new Error("tshoot search: cannot load " + s.src));
      };
      document.head.appendChild(s);
    });
    return pending[key];
  }

  /* A list of numbers (base64 VLQ differences) → Set. */
  function numbers(text) {
    var out = new Set();
    var n = 0;
    var value = 0;
    var scale = 1;
    for (var i = 0; i < (text || "").length; i++) {
      var d = B64.indexOf(text.charAt(i));
      value += (d & 31) * scale;
      if (d & 32) {
        scale *= 32;
        continue;
      }
      n += value;
      out.add(n);
      value = 0;
      scale = 1;
    }
    return out;
  }

  /* The index of `locale`: its meta, term shards loaded so far, and the text
   * locale of copied documents (records with no text in the fallback locales). */
  function index(locale) {
    if (indexes[locale]) return Promise.resolve(indexes[locale]);
    return load(locale, "meta").then(function (m) {
      if (indexes[locale]) return indexes[locale];
      var copies = new Map();
      Object.keys(m.copies || {}).forEach(function (l) {
        numbers(m.copies[l]).forEach(function (n) {
          copies.set(n, l);
        });
      });
      indexes[locale] = {
        locale: locale,
        meta: m,
        keys: typeof m.shards === "string" ? m.shards.split(" ") : [""],
        common: new Set(m.common ? m.common.split(" ") : []),
        copies: copies,
        shards: {},
      };
      return indexes[locale];
    });
  }

  /* The reader's meta: strings, and the indexes to search with what it sees in them. */
  function reader() {
    if (readerPromise) return readerPromise;
    var c = findConfig();
    readerPromise = load(c.locale, "meta").then(
      function (m) {
        var uses = (m.use || []).map(function (u) {
          var page = new Map();
          Object.keys(u.page || {}).forEach(function (l) {
            numbers(u.page[l]).forEach(function (n) {
              page.set(n, l);
            });
          });
          return {
            locale: u.l,
            hide: u.hide ? numbers(u.hide) : null,
            only: u.only ? numbers(u.only) : null,
            page: page,
          };
        });
        return { locale: m.locale, t: m.t, w: m.w || {}, uses: uses };
      },
      function (e) {
        readerPromise = null;
        throw e;
      }
    );
    return readerPromise;
  }

  function meta() {
    return reader();
  }

  /* Term shard i of an index as {keys: [...], map: Map}. */
  function shard(ix, i) {
    if (ix.shards[i]) return Promise.resolve(ix.shards[i]);
    return load(ix.locale, "t" + i).then(function (flat) {
      if (ix.shards[i]) return ix.shards[i];
      var keys = [];
      var map = new Map();
      for (var j = 0; j + 1 < flat.length; j += 2) {
        keys.push(flat[j]);
        map.set(flat[j], flat[j + 1]);
      }
      ix.shards[i] = { keys: keys, map: map };
      return ix.shards[i];
    });
  }

  function shardOf(ix, word) {
    var keys = ix.keys;
    var lo = 0;
    var hi = keys.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (keys[mid] <= word) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function shardFor(ix, word) {
    return shard(ix, shardOf(ix, word));
  }

  /* The stems a surface form stands for, from its entry value. */
  function stemsOf(word, value) {
    if (value === undefined) return [];
    if (value.charAt(0) !== "~") return [word];
    var parts = value.split("~");
    var out = [];
    for (var i = 1; i < parts.length - 1; i++) {
      var drop = B64.indexOf(parts[i].charAt(0));
      out.push(word.slice(0, word.length - drop) + parts[i].slice(1));
    }
    return out;
  }

  function ownPostings(value) {
    if (!value) return "";
    return value.charAt(0) === "~" ? value.slice(value.lastIndexOf("~") + 1) : value;
  }

  /* Postings text → [doc, weight, doc, weight, …]. */
  function decode(text) {
    var out = [];
    var doc = 0;
    var value = 0;
    var scale = 1;
    for (var i = 0; i < text.length; i++) {
      var d = B64.indexOf(text.charAt(i));
      value += (d & 31) * scale;
      if (d & 32) {
        scale *= 32;
        continue;
      }
      doc += Math.floor(value / 16);
      out.push(doc, value % 16);
      value = 0;
      scale = 1;
    }
    return out;
  }

  /* Edit distance with transpositions, or limit + 1 when above limit. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var prev2 = null;
    var prev = [];
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function hasCjk(word) {
    for (var ch of word) if (isCjk(ch.codePointAt(0))) return true;
    return false;
  }

  /* A word no index knows → {stems, factor, correction}: a completion of the
   * word being typed, or the closest key of its shard `s`. */
  function guess(s, word, last) {
    var chars = Array.from(word);
    if (/\d/.test(word) || hasCjk(word)) return { stems: [], factor: 0 };
    if (last && chars.length >= 3) {
      // Prefix completion of the word being typed, within its shard.
      var stems = [];
      var lo = 0;
      var hi = s.keys.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (s.keys[mid] < word) lo = mid + 1;
        else hi = mid;
      }
      for (var k = lo; k < s.keys.length && k < lo + 30 && s.keys[k].indexOf(word) === 0; k++) {
        if (s.keys[k].indexOf(" ") < 0) stems = stems.concat(stemsOf(s.keys[k], s.map.get(s.keys[k])));
      }
      if (stems.length) return { stems: stems, factor: 0.7 };
    }
    if (chars.length < 5) return { stems: [], factor: 0 };
    var limit = chars.length >= 9 ? 2 : 1;
    var best = null;
    var bestD = limit + 1;
    var bestLen = -1;
    for (var i = 0; i < s.keys.length; i++) {
      var key = s.keys[i];
      if (key.indexOf(" ") >= 0 || /\d/.test(key)) continue;
      var d = distance(chars, Array.from(key), limit);
      var len = ownPostings(s.map.get(key)).length;
      if (d <= limit && (d < bestD || (d === bestD && len > bestLen))) {
        best = key;
        bestD = d;
        bestLen = len;
      }
    }
    if (best === null) return { stems: [], factor: 0 };
    return { stems: stemsOf(best, s.map.get(best)), factor: 0.6, correction: best };
  }

  function kindOf(ix, doc) {
    var kinds = ix.meta.kinds || [];
    var kind = kinds.length ? kinds[0][0] : "";
    for (var i = 0; i < kinds.length && kinds[i][1] <= doc; i++) kind = kinds[i][0];
    return kind;
  }

  /* Whether the reader sees document n of the index it searches through `use`. */
  function visible(use, n) {
    if (use.only) return use.only.has(n);
    return !(use.hide && use.hide.has(n));
  }

  /* The locale of document n's text. */
  function textLocale(ix, n) {
    return ix.copies.get(n) || ix.locale;
  }

  /* One index, first step: the query's words (less the common ones when
   * rarer ones are there), its multi-word codes, and each word's entry. */
  function lookUp(ix, use, all, unique) {
    var common = ix.common;
    var rare = unique.filter(function (w) {
      return !common.has(w);
    });
    var words = rare.length ? rare : unique;
    // Multi-word error codes (`http 500 19`) sit in the shard of their first word.
    var grams = [];
    for (var i = 0; i + 1 < all.length; i++) {
      if (hasCjk(all[i]) || hasCjk(all[i + 1]) || (rare.length && common.has(all[i]))) continue;
      grams.push(all[i] + " " + all[i + 1]);
      if (i + 2 < all.length && !hasCjk(all[i + 2])) grams.push(all[i] + " " + all[i + 1] + " " + all[i + 2]);
    }
    return Promise.all(
      words.map(function (w) {
        return shardFor(ix, w);
      })
    ).then(function (shards) {
      return {
        ix: ix,
        use: use,
        words: words,
        grams: grams,
        shards: shards,
        values: words.map(function (w, j) {
          return shards[j].map.get(w);
        }),
      };
    });
  }

  /* One index, second step: resolve the words (exact, else guessed when no
   * index knows them), then score its visible documents → {hits, corrections, stems}. */
  function scoreIndex(r, lk, known, opts) {
    var ix = lk.ix;
    var words = lk.words;
    var resolved = words.map(function (w, i) {
      if (lk.values[i] !== undefined) return { stems: stemsOf(w, lk.values[i]), factor: 1 };
      if (known.has(w)) return { stems: [], factor: 0 };
      return guess(lk.shards[i], w, i === words.length - 1);
    });
    // Words that only stand for common stems (`accessed` → `access`) too.
    var isCommon = resolved.map(function (x) {
      return x.stems.length > 0 && x.stems.every(function (s) {
        return ix.common.has(s);
      });
    });
    if (isCommon.some(function (c, i) { return !c && resolved[i].stems.length; }) && isCommon.some(Boolean)) {
      words = words.filter(function (w, i) {
        return !isCommon[i];
      });
      resolved = resolved.filter(function (x, i) {
        return !isCommon[i];
      });
    }
    return Promise.all(
      lk.grams.map(function (g) {
        return shardFor(ix, g).then(function (s) {
          return s.map.has(g) ? { stems: [g], factor: 1 } : { stems: [], factor: 0 };
        });
      })
    ).then(function (gramResolved) {
      var stems = [];
      resolved.concat(gramResolved).forEach(function (x) {
        x.stems.forEach(function (s) {
          if (stems.indexOf(s) < 0) stems.push(s);
        });
      });
      return Promise.all(
        stems.map(function (s) {
          return shardFor(ix, s).then(function (sh) {
            return ownPostings(sh.map.get(s));
          });
        })
      ).then(function (texts) {
        var postings = new Map();
        stems.forEach(function (s, i) {
          postings.set(s, decode(texts[i]));
        });
        var total = new Map();
        var matched = new Map();
        var add = function (x, counts) {
          var best = new Map();
          x.stems.forEach(function (s) {
            var p = postings.get(s);
            var df = p.length / 2;
            if (!df) return;
            var idf = Math.log(1 + ix.meta.docs / df);
            for (var i = 0; i < p.length; i += 2) {
              var v = idf * p[i + 1] * x.factor;
              if (!(best.get(p[i]) >= v)) best.set(p[i], v);
            }
          });
          best.forEach(function (v, doc) {
            total.set(doc, (total.get(doc) || 0) + v);
            if (counts) matched.set(doc, (matched.get(doc) || 0) + 1);
          });
        };
        resolved.forEach(function (x) {
          add(x, true);
        });
        gramResolved.forEach(function (x) {
          add(x, false);
        });
        var hits = [];
        total.forEach(function (v, doc) {
          if (!visible(lk.use, doc)) return;
          if (opts.kind && kindOf(ix, doc) !== opts.kind) return;
          var text = textLocale(ix, doc);
          var w = text === r.locale ? 1 : r.w[text] || 0.48;
          hits.push({ ix: ix, use: lk.use, doc: doc, score: ((v * (matched.get(doc) || 0)) / words.length) * w });
        });
        var corrections = {};
        words.forEach(function (w, i) {
          if (resolved[i].correction) corrections[w] = resolved[i].correction;
        });
        return { hits: hits, corrections: corrections, words: words, stems: stems };
      });
    });
  }

  function docShard(ix, n) {
    return load(ix.locale, "d" + Math.floor(n / ix.meta.docShard));
  }

  /* Hit → the index it came from (for highlighting; not part of the hit's data). */
  var hitIndex = new WeakMap();

  function hitOf(r, c, shardData) {
    var ix = c.ix;
    var n = c.doc;
    var d = shardData.d[n % ix.meta.docShard];
    var a = shardData.a[d[0]];
    var kind = kindOf(ix, n);
    var page = c.use.page.get(n);
    var href = page ? "../" + page + "/a/" + a[0] + ".html" : a.length > 2 ? a[2] : "../" + ix.locale + "/a/" + a[0] + ".html";
    var own = "../" + r.locale + "/";
    if (href.indexOf(own) === 0) href = href.slice(own.length);
    var text = textLocale(ix, n);
    var hit = {
      id: a[0] + "#" + d[1],
      article: a[0],
      anchor: d[1],
      kind: kind,
      kindLabel: (r.t && r.t.kinds && r.t.kinds[kind]) || kind,
      title: d[2],
      articleTitle: a[1],
      href: href + "#" + d[1],
      locale: text,
      fallback: text !== r.locale ? text : null,
      excerpt: d[3],
      score: 0,
    };
    hitIndex.set(hit, ix);
    return hit;
  }

  /* The full search: {hits, total, suggestion, words, stems}. */
  function search(text, opts) {
    opts = opts || {};
    var limit = opts.limit || SHOWN;
    var perArticle = opts.perArticle === true ? 1 : opts.perArticle > 0 ? opts.perArticle : PER_ARTICLE;
    return reader().then(function (r) {
      var all = tokens(text);
      var unique = [];
      all.forEach(function (w) {
        if (unique.indexOf(w) < 0) unique.push(w);
      });
      var empty = { hits: [], total: 0, suggestion: null, words: unique, stems: [] };
      if (!unique.length || !r.uses.length) return empty;
      return Promise.all(
        r.uses.map(function (use) {
          return index(use.locale).then(function (ix) {
            return lookUp(ix, use, all, unique);
          });
        })
      ).then(function (lookups) {
        // A word some index knows (or finds common) is not a typo anywhere.
        var known = new Set();
        lookups.forEach(function (lk) {
          lk.words.forEach(function (w, i) {
            if (lk.values[i] !== undefined) known.add(w);
          });
          unique.forEach(function (w) {
            if (lk.ix.common.has(w)) known.add(w);
          });
        });
        return Promise.all(
          lookups.map(function (lk) {
            return scoreIndex(r, lk, known, opts);
          })
        ).then(function (parts) {
          var candidates = [];
          var words = [];
          var stems = [];
          var corrected = {};
          var anyCorrection = false;
          parts.forEach(function (p, i) {
            p.hits.forEach(function (h) {
              h.order = i;
              candidates.push(h);
            });
            p.words.forEach(function (w) {
              if (words.indexOf(w) < 0) words.push(w);
            });
            p.stems.forEach(function (s) {
              if (stems.indexOf(s) < 0) stems.push(s);
            });
            Object.keys(p.corrections).forEach(function (w) {
              if (!(w in corrected)) {
                corrected[w] = p.corrections[w];
                anyCorrection = true;
              }
            });
          });
          candidates.sort(function (a, b) {
            return b.score - a.score || a.order - b.order || a.doc - b.doc;
          });
          var suggestion = anyCorrection
            ? text.replace(RUN, function (run) {
                var low = run.toLowerCase();
                return low in corrected ? corrected[low] : run;
              })
            : null;
          return pick(r, candidates, limit, perArticle).then(function (picked) {
            return { hits: picked.hits, total: picked.total, suggestion: suggestion, words: words, stems: stems };
          });
        });
      });
    });
  }

  /* The best `limit` hits, at most `perArticle` per article, loading doc shards as needed. */
  function pick(r, candidates, limit, perArticle) {
    var hits = [];
    var seen = {};
    var next = 0;
    var skipped = 0;
    var round = function () {
      if (hits.length >= limit || next >= candidates.length) {
        // Exact once every candidate was seen; else candidates less those skipped so far.
        return Promise.resolve({ hits: hits, total: candidates.length - skipped });
      }
      var batch = candidates.slice(next, next + Math.max(limit - hits.length, 4));
      next += batch.length;
      return Promise.all(
        batch.map(function (c) {
          return docShard(c.ix, c.doc);
        })
      ).then(function (shards) {
        for (var i = 0; i < batch.length && hits.length < limit; i++) {
          var hit = hitOf(r, batch[i], shards[i]);
          var count = seen[hit.article] || 0;
          if (count >= perArticle) {
            skipped++;
            continue;
          }
          seen[hit.article] = count + 1;
          hit.score = batch[i].score;
          hits.push(hit);
        }
        return round();
      });
    };
    return round();
  }

  function query(text, opts) {
    return search(text, opts).then(function (r) {
      return r.hits;
    });
  }

  // ---- Rendering (the structure of the server's search.html). ----

  function countText(m, n) {
    var rules = new Intl.PluralRules(m.locale);
    var category = rules.select(n);
    var samples = m.t.results;
    var template = samples[samples.length - 1][1];
    for (var i = 0; i < samples.length; i++) {
      if (rules.select(samples[i][0]) === category) {
        template = samples[i][1];
        break;
      }
    }
    return template.replace("{count}", String(n));
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  /* Whether a token of an excerpt from index `ix` matches the query (surface
   * or stem, from loaded shards only). */
  function matcher(result, ix) {
    var words = new Set(result.words);
    var stems = new Set(result.stems);
    return function (token) {
      if (words.has(token) || stems.has(token)) return true;
      var s = ix && ix.shards[shardOf(ix, token)];
      if (!s) return false;
      return stemsOf(token, s.map.get(token)).some(function (x) {
        return stems.has(x);
      });
    };
  }

  /* The excerpt as text nodes with matched words in <b>. */
  function highlight(parent, text, matches) {
    var last = 0;
    var m;
    var re = new RegExp(RUN.source, "gu");
    var bold = function (s) {
      parent.appendChild(el("b", null, s));
    };
    var plain = function (s) {
      if (s) parent.appendChild(document.createTextNode(s));
    };
    while ((m = re.exec(text))) {
      plain(text.slice(last, m.index));
      last = m.index + m[0].length;
      var original = Array.from(m[0]);
      var lower = m[0].toLowerCase();
      if (Array.from(lower).length !== original.length) {
        // Lowercasing changed the length: mark the whole run or nothing.
        var toks = [];
        segments(lower).forEach(function (seg) {
          segmentTokens(seg, toks);
        });
        if (toks.some(matches)) bold(m[0]);
        else plain(m[0]);
        continue;
      }
      var pos = 0;
      segments(lower).forEach(function (seg) {
        var orig = original.slice(pos, pos + seg.chars.length);
        pos += seg.chars.length;
        if (!seg.cjk) {
          var t = [];
          segmentTokens(seg, t);
          if (t.some(matches)) bold(orig.join(""));
          else plain(orig.join(""));
          return;
        }
        var marked = seg.chars.map(function () {
          return false;
        });
        if (seg.chars.length === 1) marked[0] = matches(seg.chars[0]);
        for (var i = 0; i + 1 < seg.chars.length; i++) {
          if (matches(seg.chars[i] + seg.chars[i + 1])) marked[i] = marked[i + 1] = true;
        }
        var j = 0;
        while (j < orig.length) {
          var k = j;
          while (k < orig.length && marked[k] === marked[j]) k++;
          (marked[j] ? bold : plain)(orig.slice(j, k).join(""));
          j = k;
        }
      });
    }
    plain(text.slice(last));
  }

  function render(container, text, result, m) {
    while (container.firstChild) container.removeChild(container.firstChild);
    var status =
      result.total === 0 && text.trim() ? m.t.noResults.replace("{query}", text) : countText(m, result.total);
    container.appendChild(el("p", { role: "status" }, status));
    if (result.suggestion) {
      var p = el("p", { class: "suggestion" }, m.t.didYouMean + " ");
      p.appendChild(el("a", { href: "search.html?q=" + encodeURIComponent(result.suggestion) }, result.suggestion));
      container.appendChild(p);
    }
    var ol = el("ol", { class: "results" });
    result.hits.forEach(function (h) {
      var matches = matcher(result, hitIndex.get(h));
      var li = el("li");
      var h2 = el("h2");
      h2.appendChild(el("a", { href: h.href }, h.title));
      li.appendChild(h2);
      var meta = el("p", { class: "meta" });
      meta.appendChild(el("span", { class: "kind" }, h.kindLabel || h.kind));
      meta.appendChild(document.createTextNode(" · " + h.articleTitle));
      if (h.fallback) {
        meta.appendChild(document.createTextNode(" · "));
        meta.appendChild(el("span", { class: "badge" }, m.t.fallback.replace("{language}", h.fallback)));
      }
      li.appendChild(meta);
      var snippet = el("p", { class: "snippet" });
      highlight(snippet, h.excerpt, matches);
      li.appendChild(snippet);
      ol.appendChild(li);
    });
    container.appendChild(ol);
  }

  /* Runs a search and renders it into `container` (default: #results). */
  function show(text, container) {
    container = container || document.getElementById("results");
    return Promise.all([meta(), search(text, { limit: SHOWN })]).then(function (r) {
      render(container, text, r[1], r[0]);
      return r[1];
    });
  }

  function start() {
    var container = document.getElementById("results");
    if (!container || !container.hasAttribute("data-index")) return;
    var q = new URLSearchParams(location.search).get("q") || "";
    var input = document.getElementById("q");
    if (input) input.value = q;
    if (q.trim()) {
      container.setAttribute("aria-busy", "true");
      show(q, container).then(
        function () {
          container.removeAttribute("aria-busy");
          // For benchmarks: time from opening the page to the first results.
          if (window.performance && performance.mark) performance.mark("tshoot-results");
        },
        function (e) {
          container.removeAttribute("aria-busy");
          container.textContent = String(e && e.message ? e.message : e);
        }
      );
    }
  }

  window.tshootSearch = {
    query: query,
    search: search,
    show: show,
    tokens: tokens,
    /* The localized result count ("5 wyników"). */
    countText: function (n) {
      return meta().then(function (m) {
        return countText(m, n);
      });
    },
    /* Overrides what the page says: {index: "search/", locale: "de-de"}. */
    configure: function (c) {
      config = { base: c.index.charAt(c.index.length - 1) === "/" ? c.index : c.index + "/", locale: c.locale };
      readerPromise = null;
    },
    /* The absolute URLs of the data files loaded so far, in order (for tests and size budgets). */
    loaded: function () {
      return loadedFiles.slice();
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
