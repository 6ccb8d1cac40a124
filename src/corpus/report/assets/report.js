/* corpus report: the cooperation map, its evidence, a timeline and the themes.
   Reads the JSON embedded in #report-data; builds every element with the DOM API
   (text is never parsed as HTML) and loads nothing from the network. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var TYPES = DATA.relation_types;
  var KIND_COLOURS = DATA.kind_colours;
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                 "#b07aa1", "#ff9da7", "#9c755f", "#86bcb6", "#d37295", "#a0cbe8"];
  var OTHER = "#bab0ac";
  var nodesById = {}, edgesById = {};
  function indexMap() {
    nodesById = {}; edgesById = {};
    DATA.nodes.forEach(function (n) { nodesById[n.id] = n; });
    DATA.edges.forEach(function (e) { edgesById[e.id] = e; });
  }
  indexMap();
  var unitMap = { nodes: DATA.nodes, edges: DATA.edges };
  var docs = DATA.documents;

  // ---------------------------------------------------------------- helpers
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "class") e.className = attrs[k];
      else if (k === "style") e.setAttribute("style", attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function safeHref(url) {
    return /^(https?:|file:)/i.test(url || "") ? url : null;
  }
  function typeLabel(t) { return (TYPES[t] && TYPES[t].label) || t; }
  function typeColour(t) { return (TYPES[t] && TYPES[t].colour) || "#888"; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  var countryColour = {};
  DATA.countries.forEach(function (c, i) { countryColour[c.code] = i < PALETTE.length ? PALETTE[i] : OTHER; });
  function countryName(code) {
    for (var i = 0; i < DATA.countries.length; i++) if (DATA.countries[i].code === code) return DATA.countries[i].name;
    return code || "no country";
  }

  // ---------------------------------------------------------------- state
  var range = DATA.date_range;  // [first, last] ISO dates of the evidence, or nulls
  var state = {
    types: new Set(Object.keys(TYPES)), country: "", theme: "",
    from: range[0] || "", to: range[1] || "", undated: true, colourBy: "kind", minDocuments: 1
  };

  function timeFiltered() { return (state.from && state.from !== range[0]) || (state.to && state.to !== range[1]); }
  function evidencePasses(ev) {
    if (state.theme !== "") {
      var themes = docs[ev.d] ? docs[ev.d].themes : [];
      if (themes.indexOf(Number(state.theme)) < 0) return false;
    }
    if (!ev.t) return state.undated || !timeFiltered();
    if (state.from && ev.t < state.from) return false;
    if (state.to && ev.t > state.to) return false;
    return true;
  }
  function edgeVisible(e) {
    if (!state.types.has(e.type)) return false;
    if (e.n_documents < state.minDocuments) return false;
    if (state.country) {
      var s = nodesById[e.source], t = nodesById[e.target];
      if (!(s && s.country === state.country) && !(t && t.country === state.country)) return false;
    }
    if (state.theme === "" && !timeFiltered()) return true;
    return e.ev.some(evidencePasses);
  }

  // ---------------------------------------------------------------- network
  var container = document.getElementById("network");
  var statusBar = document.getElementById("network-status");
  var network = null, nodeSet = null, edgeSet = null;
  var visible = { nodes: new Set(), edges: new Set() };

  function nodeColour(n) {
    if (state.colourBy === "country") return n.country ? (countryColour[n.country] || OTHER) : "#d0d4d9";
    return KIND_COLOURS[n.kind] || OTHER;
  }
  function nodeTitle(n) {
    return n.name + (n.aliases && n.aliases.length ? " (" + n.aliases.slice(0, 3).join(", ") + ")" : "") + "\n" + (n.kind || "entity") + (n.country ? " · " + countryName(n.country) : "") +
      "\n" + plural(n.n_documents, "document") + " · " + plural(n.degree, "tie");
  }
  function visNode(n, hidden) {
    var c = nodeColour(n);
    return { id: n.id, label: n.label || n.name, value: Math.max(1, n.n_documents), title: nodeTitle(n), hidden: hidden,
             shape: n.kind === "country" ? "diamond" : (n.kind === "program" ? "square" : "dot"),
             color: { background: c, border: "#33415580", highlight: { background: c, border: "#111" },
                      hover: { background: c, border: "#111" } } };
  }
  function visEdge(e, hidden) {
    var c = typeColour(e.type);
    return { id: e.id, from: e.source, to: e.target, value: Math.max(1, e.n_documents), hidden: hidden,
             arrows: e.directed ? { to: { enabled: true, scaleFactor: 0.6 } } : undefined,
             color: { color: c, highlight: c, hover: c, opacity: 0.85 },
             title: typeLabel(e.type) + ": " + nodesById[e.source].name + (e.directed ? " → " : " — ") +
                    nodesById[e.target].name + "\n" + plural(e.n_documents, "document") +
                    (e.first_seen ? " · " + e.first_seen + (e.last_seen !== e.first_seen ? " to " + e.last_seen : "") : ""),
             smooth: e.parallel ? { enabled: true, type: e.parallel % 2 ? "curvedCW" : "curvedCCW",
                                    roundness: 0.12 + 0.1 * Math.floor((e.parallel + 1) / 2) }
                                : { enabled: false } };
  }

  function buildNetwork() {
    document.getElementById("empty-message").hidden = DATA.nodes.length > 0;
    if (!DATA.nodes.length) {
      statusBar.textContent = "No relations yet.";
      window.corpusReport.stabilized = true;
      container.setAttribute("data-stabilized", "true");
      return;
    }
    nodeSet = new vis.DataSet(DATA.nodes.map(function (n) { return visNode(n, false); }));
    edgeSet = new vis.DataSet(DATA.edges.map(function (e) { return visEdge(e, false); }));
    network = new vis.Network(container, { nodes: nodeSet, edges: edgeSet }, {
      nodes: { scaling: { min: 8, max: 40, label: { enabled: true, min: 13, max: 22, drawThreshold: 5 } },
               font: { size: 14, color: "#1f2933", strokeWidth: 3, strokeColor: "#ffffff" }, borderWidth: 1 },
      edges: { scaling: { min: 1, max: 7 }, selectionWidth: 2, hoverWidth: 1.5 },
      physics: { solver: "forceAtlas2Based",
                 forceAtlas2Based: { gravitationalConstant: -60, centralGravity: 0.02, springLength: 90, avoidOverlap: 0.5 },
                 stabilization: { iterations: DATA.nodes.length > 300 ? 200 : 400, updateInterval: 50 } },
      layout: { randomSeed: 7, improvedLayout: DATA.nodes.length < 150 },
      interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false }
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      network.fit();
      window.corpusReport.stabilized = true;
      container.setAttribute("data-stabilized", "true");
    });
    network.on("click", function (p) {
      if (p.nodes.length) showNode(p.nodes[0]);
      else if (p.edges.length) showEdge(p.edges[0]);
    });
  }

  function applyFilters() {
    var edges = DATA.edges.filter(edgeVisible);
    visible.edges = new Set(edges.map(function (e) { return e.id; }));
    visible.nodes = new Set();
    edges.forEach(function (e) { visible.nodes.add(e.source); visible.nodes.add(e.target); });
    if (network) {
      nodeSet.update(DATA.nodes.map(function (n) { return visNode(n, !visible.nodes.has(n.id)); }));
      edgeSet.update(DATA.edges.map(function (e) { return { id: e.id, hidden: !visible.edges.has(e.id) }; }));
      statusBar.textContent = visible.nodes.size + " of " + DATA.nodes.length + " entities · " +
        visible.edges.size + " of " + plural(DATA.edges.length, "tie") + " shown" +
        " · click an entity or a tie for its evidence; drag to move, scroll to zoom";
    }
    container.setAttribute("data-node-count", String(visible.nodes.size));
    container.setAttribute("data-edge-count", String(visible.edges.size));
    window.corpusReport.visibleNodeCount = visible.nodes.size;
    window.corpusReport.visibleEdgeCount = visible.edges.size;
    drawLegend();
    drawTimeline(edges);
    drawThemes();
  }

  // ---------------------------------------------------------------- details panel
  var detailsTitle = document.getElementById("details-title");
  var detailsBody = document.getElementById("details-body");

  function marked(sentence, names) {
    // split the sentence around the names so they can be highlighted as text
    var parts = [{ text: sentence, mark: false }];
    names.filter(Boolean).forEach(function (name) {
      var next = [];
      parts.forEach(function (p) {
        if (p.mark) { next.push(p); return; }
        var lower = p.text.toLowerCase(), key = name.toLowerCase(), at = 0, i;
        while ((i = lower.indexOf(key, at)) >= 0) {
          if (i > at) next.push({ text: p.text.slice(at, i), mark: false });
          next.push({ text: p.text.slice(i, i + key.length), mark: true });
          at = i + key.length;
        }
        if (at < p.text.length) next.push({ text: p.text.slice(at), mark: false });
      });
      parts = next;
    });
    var q = el("blockquote");
    parts.forEach(function (p) { q.appendChild(p.mark ? el("mark", { text: p.text }) : document.createTextNode(p.text)); });
    return q;
  }

  function evidenceList(edge, limit) {
    var ul = el("ul", { class: "evidence" });
    var s = nodesById[edge.source], t = nodesById[edge.target];
    var items = edge.ev.filter(evidencePasses);
    items.slice(0, limit).forEach(function (ev) {
      var doc = docs[ev.d] || {};
      var href = safeHref(doc.url);
      var title = doc.title || doc.url || doc.source || "document";
      var link = href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: title })
                      : el("span", { text: title });
      var li = el("li", { style: "border-left-color:" + typeColour(edge.type) }, [
        marked(ev.s, [s && s.name, t && t.name]),
        el("div", { class: "source" }, [ev.t ? ev.t + " · " : "", link,
          ev.c ? el("span", { class: "critical", text: " · critical of this cooperation" }) : null])
      ]);
      ul.appendChild(li);
    });
    if (items.length > limit) ul.appendChild(el("li", { class: "muted", text: (items.length - limit) + " more sentences not shown" }));
    if (!items.length) ul.appendChild(el("li", { class: "muted", text: "No sentence passes the current filters." }));
    return ul;
  }

  function badge(type) { return el("span", { class: "badge", style: "background:" + typeColour(type), text: typeLabel(type) }); }

  function showEdge(id) {
    var e = edgesById[id];
    if (!e) return;
    var s = nodesById[e.source], t = nodesById[e.target];
    detailsTitle.textContent = s.name + (e.directed ? " → " : " — ") + t.name;
    detailsBody.textContent = "";
    detailsBody.appendChild(el("p", { class: "facts" }, [badge(e.type), " " + plural(e.n_documents, "document") +
      (e.first_seen ? ", " + e.first_seen + (e.last_seen !== e.first_seen ? " to " + e.last_seen : "") : "") +
      (e.directed ? " · " + (TYPES[e.type] ? TYPES[e.type].direction : "directed") : "")]));
    detailsBody.appendChild(evidenceList(e, 60));
    if (e.n_more) detailsBody.appendChild(el("p", { class: "muted", text: "Only the newest " + e.ev.length + " sentences are embedded here; the rest are in the database (corpus query)." }));
    if (network) network.selectEdges([id]);
    window.corpusReport.selected = { edge: id };
  }

  function showNode(id) {
    var n = nodesById[id];
    if (!n) return;
    detailsTitle.textContent = n.name;
    detailsBody.textContent = "";
    detailsBody.appendChild(el("p", { class: "facts", text: (n.kind || "entity") +
      (n.country ? " · " + countryName(n.country) : "") + " · " + plural(n.n_documents, "document") +
      " · " + plural(n.degree, "tie") }));
    var ties = DATA.edges.filter(function (e) { return (e.source === id || e.target === id) && visible.edges.has(e.id); });
    ties.sort(function (a, b) { return b.n_documents - a.n_documents; });
    detailsBody.appendChild(el("h3", { text: "Ties" }));
    var ul = el("ul", { class: "ties" });
    ties.forEach(function (e) {
      var other = nodesById[e.source === id ? e.target : e.source];
      var arrow = !e.directed ? "—" : (e.source === id ? "→" : "←");
      var b = el("button", { type: "button" }, [badge(e.type), arrow + " " + other.name + " (" + e.n_documents + ")"]);
      b.addEventListener("click", function () { showEdge(e.id); });
      ul.appendChild(el("li", {}, [b]));
    });
    detailsBody.appendChild(ul);
    detailsBody.appendChild(el("h3", { text: "Evidence" }));
    ties.slice(0, 12).forEach(function (e) {
      var other = nodesById[e.source === id ? e.target : e.source];
      detailsBody.appendChild(el("p", { class: "facts" }, [badge(e.type), " with " + other.name]));
      detailsBody.appendChild(evidenceList(e, 3));
    });
    if (network) network.selectNodes([id]);
    window.corpusReport.selected = { node: id };
  }

  // ---------------------------------------------------------------- legend and filters
  function drawLegend() {
    var box = document.getElementById("node-legend");
    box.textContent = "";
    box.appendChild(el("strong", { text: state.colourBy === "kind" ? "Entity kinds" : "Countries" }));
    var entries = state.colourBy === "kind"
      ? Object.keys(KIND_COLOURS).map(function (k) { return [k, KIND_COLOURS[k]]; })
      : DATA.countries.slice(0, PALETTE.length).map(function (c) { return [c.name, countryColour[c.code]]; })
          .concat(DATA.countries.length > PALETTE.length ? [["other countries", OTHER]] : []);
    entries.forEach(function (p) {
      box.appendChild(el("div", { class: "item" }, [el("span", { class: "dot", style: "background:" + p[1] }), p[0]]));
    });
    box.appendChild(el("div", { class: "item muted", text: "size: documents stating its ties" }));
  }

  function buildFilters() {
    var typeBox = document.getElementById("type-filter");
    Object.keys(TYPES).forEach(function (t) {
      var n = DATA.edges.filter(function (e) { return e.type === t; }).length;
      var input = el("input", { type: "checkbox", value: t, "data-type": t });
      input.checked = true;
      input.addEventListener("change", function () {
        if (input.checked) state.types.add(t); else state.types.delete(t);
        applyFilters();
      });
      typeBox.appendChild(el("label", { class: "type-option" }, [input,
        el("span", { class: "swatch", style: "background:" + typeColour(t) }),
        el("span", { class: "type-name", text: typeLabel(t) + (TYPES[t].directed ? " →" : "") }),
        el("span", { class: "count", text: String(n) })]));
    });
    function setAllTypes(on) {
      typeBox.querySelectorAll("input").forEach(function (i) { i.checked = on; });
      state.types = new Set(on ? Object.keys(TYPES) : []);
      applyFilters();
    }
    document.getElementById("types-all").addEventListener("click", function () { setAllTypes(true); });
    document.getElementById("types-none").addEventListener("click", function () { setAllTypes(false); });
    var names = document.getElementById("entity-names"), search = document.getElementById("entity-search");
    var seen = {};
    DATA.nodes.forEach(function (n) {
      [n.name].concat(n.aliases || []).forEach(function (a) {
        if (seen[a]) return;
        seen[a] = true;
        names.appendChild(el("option", { value: a, label: a === n.name ? "" : n.name }));
      });
    });
    search.addEventListener("change", function () {
      var key = search.value.trim().toLowerCase();
      function names(n) { return [n.name].concat(n.aliases || []).map(function (a) { return a.toLowerCase(); }); }
      var hit = DATA.nodes.filter(function (n) { return names(n).indexOf(key) >= 0; })[0] ||
                DATA.nodes.filter(function (n) {
                  return key && names(n).some(function (a) { return a.indexOf(key) >= 0; });
                })[0];
      if (!hit) return;
      if (network && visible.nodes.has(hit.id)) network.focus(hit.id, { scale: Math.max(network.getScale(), 0.8), animation: false });
      showNode(hit.id);
    });
    var country = document.getElementById("country-filter");
    DATA.countries.forEach(function (c) { country.appendChild(el("option", { value: c.code, text: c.name + " (" + c.n + ")" })); });
    country.addEventListener("change", function () { state.country = country.value; applyFilters(); });
    var theme = document.getElementById("theme-filter");
    DATA.themes.forEach(function (t) { theme.appendChild(el("option", { value: String(t.id), text: t.label })); });
    theme.addEventListener("change", function () { state.theme = theme.value; applyFilters(); });
    var from = document.getElementById("date-from"), to = document.getElementById("date-to");
    [from, to].forEach(function (i) { if (range[0]) { i.min = range[0]; i.max = range[1]; } });
    from.value = state.from; to.value = state.to;
    from.addEventListener("change", function () { state.from = from.value; applyFilters(); });
    to.addEventListener("change", function () { state.to = to.value; applyFilters(); });
    var undated = document.getElementById("include-undated");
    undated.addEventListener("change", function () { state.undated = undated.checked; applyFilters(); });
    var minDocs = document.getElementById("min-documents");
    minDocs.addEventListener("change", function () {
      state.minDocuments = Math.max(1, parseInt(minDocs.value, 10) || 1);
      applyFilters();
    });
    if (DATA.rollup) {
      document.getElementById("rollup-option").style.display = "";
      var rollup = document.getElementById("rollup");
      rollup.addEventListener("change", function () { useMap(rollup.checked); });
    }
    var colourBy = document.getElementById("colour-by");
    colourBy.addEventListener("change", function () { state.colourBy = colourBy.value; applyFilters(); });
    document.getElementById("reset-filters").addEventListener("click", function () {
      state.country = ""; state.theme = ""; state.from = range[0] || ""; state.to = range[1] || ""; state.undated = true;
      state.minDocuments = 1; minDocs.value = "1";
      country.value = ""; theme.value = ""; from.value = state.from; to.value = state.to; undated.checked = true;
      setAllTypes(true);
    });
  }

  // ---------------------------------------------------------------- timeline
  function periodOf(iso, byYear) { return byYear ? iso.slice(0, 4) : iso.slice(0, 7); }
  function periods(first, last, byYear) {
    var out = [], y = Number(first.slice(0, 4)), m = Number(first.slice(5, 7));
    var ly = Number(last.slice(0, 4)), lm = Number(last.slice(5, 7));
    while (y < ly || (y === ly && (byYear || m <= lm))) {
      out.push(byYear ? String(y) : y + "-" + (m < 10 ? "0" : "") + m);
      if (byYear) y += 1; else { m += 1; if (m > 12) { m = 1; y += 1; } }
    }
    return out;
  }

  function setPeriod(period, byYear) {
    var from, to;
    if (byYear) { from = period + "-01-01"; to = period + "-12-31"; }
    else {
      var y = Number(period.slice(0, 4)), m = Number(period.slice(5, 7));
      var last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      from = period + "-01"; to = period + "-" + (last < 10 ? "0" : "") + last;
    }
    state.from = from; state.to = to;
    document.getElementById("date-from").value = from;
    document.getElementById("date-to").value = to;
    applyFilters();
  }

  function drawTimeline(edges) {
    var box = document.getElementById("timeline");
    box.textContent = "";
    var items = [];
    edges.forEach(function (e) { e.ev.forEach(function (ev) { if (ev.t && evidencePasses(ev)) items.push([ev.t, e.type]); }); });
    if (!items.length) { box.appendChild(el("p", { class: "muted", text: "No dated relations to show." })); return; }
    items.sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
    // a sentence may date an event decades before the corpus starts: count those apart
    var start = DATA.overview.first_published && !timeFiltered() ? DATA.overview.first_published.slice(0, 4) + "-01-01" : "";
    var older = start ? items.filter(function (it) { return it[0] < start; }).length : 0;
    if (older && older < items.length) items = items.filter(function (it) { return it[0] >= start; });
    else older = 0;
    var first = items[0][0], last = items[items.length - 1][0];
    var byYear = Number(last.slice(0, 4)) - Number(first.slice(0, 4)) > 3;
    var keys = periods(first, last, byYear);
    var counts = {};
    keys.forEach(function (k) { counts[k] = {}; });
    items.forEach(function (it) { var k = periodOf(it[0], byYear); counts[k][it[1]] = (counts[k][it[1]] || 0) + 1; });
    var max = Math.max.apply(null, keys.map(function (k) {
      return Object.keys(counts[k]).reduce(function (s, t) { return s + counts[k][t]; }, 0);
    }));
    var W = Math.max(600, box.clientWidth || 900), H = 230, L = 34, B = 24, T = 10;
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "relations over time" });
    var bw = (W - L - 10) / keys.length;
    var ticks = [0, Math.ceil(max / 2), max];
    ticks.forEach(function (v) {
      var y = H - B - (H - B - T) * v / max;
      s.appendChild(svg("line", { x1: L, x2: W - 5, y1: y, y2: y, stroke: "#eef0f3" }));
      var tx = svg("text", { x: L - 5, y: y + 3, "text-anchor": "end", class: "axis" });
      tx.textContent = String(v); s.appendChild(tx);
    });
    var every = Math.ceil(keys.length / 14);
    keys.forEach(function (k, i) {
      var y = H - B;
      Object.keys(TYPES).forEach(function (t) {
        var n = counts[k][t] || 0;
        if (!n) return;
        var h = (H - B - T) * n / max;
        y -= h;
        var r = svg("rect", { x: L + i * bw + 1, y: y, width: Math.max(1, bw - 2), height: h, fill: typeColour(t),
                              "data-period": k, style: "cursor:pointer" });
        var tip = svg("title"); tip.textContent = k + ": " + n + " " + typeLabel(t) + " (click to show only this period)";
        r.appendChild(tip);
        r.addEventListener("click", function () { setPeriod(k, byYear); });
        s.appendChild(r);
      });
      if (i % every === 0) {
        var lab = svg("text", { x: L + i * bw + bw / 2, y: H - 8, "text-anchor": "middle", class: "axis" });
        lab.textContent = k; s.appendChild(lab);
      }
    });
    box.appendChild(s);
    if (older) box.appendChild(el("p", { class: "hint", text: plural(older, "relation") + " dated before " +
      start.slice(0, 4) + " (events the documents look back on) are left out of this chart; set the time range to see them." }));
    var legend = el("div", { class: "legend" });
    Object.keys(TYPES).forEach(function (t) {
      legend.appendChild(el("span", { class: "item", style: "display:inline-flex;margin-right:12px" },
        [el("span", { class: "swatch", style: "background:" + typeColour(t) }), typeLabel(t)]));
    });
    box.appendChild(legend);
  }

  // ---------------------------------------------------------------- themes
  function drawThemes() {
    var box = document.getElementById("themes");
    box.textContent = "";
    if (!DATA.themes.length) { box.appendChild(el("p", { class: "muted", text: "No themes yet." })); return; }
    var months = DATA.theme_months;
    var byYear = months.length > 36;
    var buckets = byYear ? months.map(function (m) { return m.slice(0, 4); })
                               .filter(function (y, i, a) { return a.indexOf(y) === i; }) : months;
    var grid = el("div", { class: "themes-grid" });
    var maxN = 1;
    function bucketed(t) {
      var out = {};
      t.trend.forEach(function (p) { var k = byYear ? p[0].slice(0, 4) : p[0]; out[k] = (out[k] || 0) + p[1]; });
      return out;
    }
    DATA.themes.forEach(function (t) { var b = bucketed(t); Object.keys(b).forEach(function (k) { maxN = Math.max(maxN, b[k]); }); });
    DATA.themes.forEach(function (t) {
      var card = el("button", { type: "button", class: "theme-card" + (state.theme === String(t.id) ? " active" : ""),
                                "data-theme": String(t.id) }, [
        el("h3", { text: t.label }),
        el("p", { class: "terms", text: t.terms.join(", ") }),
        el("div", { class: "muted", text: plural(t.size, "document") })]);
      if (months.length) {
        var W = 260, H = 44, s = svg("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "none" });
        var byMonth = bucketed(t);
        var bw = W / buckets.length;
        buckets.forEach(function (m, i) {
          var n = byMonth[m] || 0;
          if (!n) return;
          var h = (H - 4) * n / maxN;
          var r = svg("rect", { x: i * bw, y: H - h, width: Math.max(1.5, bw - 1), height: h, fill: "#4e79a7" });
          var tip = svg("title"); tip.textContent = m + ": " + plural(n, "document"); r.appendChild(tip);
          s.appendChild(r);
        });
        s.appendChild(svg("line", { x1: 0, x2: W, y1: H - 0.5, y2: H - 0.5, stroke: "#d9dee4" }));
        card.appendChild(s);
        card.appendChild(el("div", { class: "muted", text: buckets[0] + " to " + buckets[buckets.length - 1] +
                                                          (byYear ? ", by year" : ", by month") }));
      }
      card.addEventListener("click", function () {
        state.theme = state.theme === String(t.id) ? "" : String(t.id);
        document.getElementById("theme-filter").value = state.theme;
        applyFilters();
      });
      grid.appendChild(card);
    });
    box.appendChild(grid);
  }

  // units (FBI field offices, Europol's EC3) on their own, or folded into their parent
  function useMap(rolled) {
    var m = rolled && DATA.rollup ? DATA.rollup : unitMap;
    DATA.nodes = m.nodes; DATA.edges = m.edges;
    indexMap();
    if (network) { network.destroy(); network = null; }
    window.corpusReport.stabilized = false;
    container.removeAttribute("data-stabilized");
    window.corpusReport.nodeCount = DATA.nodes.length;
    window.corpusReport.edgeCount = DATA.edges.length;
    window.corpusReport.rolledUp = !!rolled;
    detailsTitle.textContent = "Evidence";
    detailsBody.textContent = "";
    detailsBody.appendChild(el("p", { class: "hint", text: rolled
      ? "Units are folded into their parent agency; click an entity or a tie for its evidence."
      : "Click an entity or a tie on the map to see the sentences that state it." }));
    buildNetwork();
    applyFilters();
  }

  // ---------------------------------------------------------------- start
  var ov = DATA.overview;
  document.getElementById("overview").textContent = [
    plural(ov.kept_documents, "document") + (ov.documents > ov.kept_documents ? " (" + plural(ov.documents - ov.kept_documents, "duplicate") + " folded)" : ""),
    plural(DATA.nodes.length, "entity").replace("entitys", "entities") + " on the map",
    plural(DATA.edges.length, "tie"),
    plural(ov.relations, "relation") + " stated",
    ov.first_published ? "published " + ov.first_published + " to " + ov.last_published : null,
    plural(ov.themes, "theme")
  ].filter(Boolean).join(" · ");

  window.corpusReport = {
    nodeCount: DATA.nodes.length, edgeCount: DATA.edges.length, stabilized: false,
    visibleNodeCount: 0, visibleEdgeCount: 0, selected: null,
    showNode: showNode, showEdge: showEdge,
    network: function () { return network; },
    nodeScreenPosition: function (id) {
      if (!network) return null;
      var p = network.getPositions([id])[id];
      var d = network.canvasToDOM(p), r = container.getBoundingClientRect();
      return { x: r.left + d.x, y: r.top + d.y };
    },
    edgeScreenPosition: function (id) {
      if (!network) return null;
      var e = edgesById[id], a = network.getPositions([e.source])[e.source], b = network.getPositions([e.target])[e.target];
      var d = network.canvasToDOM({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }), r = container.getBoundingClientRect();
      return { x: r.left + d.x, y: r.top + d.y };
    }
  };
  buildFilters();
  buildNetwork();
  applyFilters();
})();
