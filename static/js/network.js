// The network page: draws the network embedded in the page (the same JSON the network
// API answers) with Cytoscape.js, lays it out with d3-force, and wires the drawing's controls: layout, node size,
// search, zoom, the statements behind a node or a tie, and SVG and PNG downloads.
//
// Nothing is told by colour alone: actor kinds and claims have shapes of their own, and
// each kind of tie its own dash pattern, all named in the legend.
(function () {
  "use strict";

  // Node shapes per actor kind, and for claims. The colours come with the data (the
  // actor's or claim's own colour from the codebook, else one per kind).
  var SHAPES = {
    person: { shape: "ellipse", name: "Person" },
    organisation: { shape: "round-rectangle", name: "Organisation" },
    state: { shape: "hexagon", name: "State" },
    media: { shape: "triangle", name: "Media" },
    other: { shape: "octagon", name: "Other actor" },
    claim: { shape: "diamond", name: "Claim" }
  };
  var DEFAULT_COLOURS = {
    person: "#1a56a7", organisation: "#7b3fa0", state: "#0f7b6c",
    media: "#b35c00", other: "#5f6368", claim: "#8a6d00"
  };
  // Ties: affiliation ties by the stances behind them, one-mode ties by the network.
  var TIES = {
    support: { colour: "#2e7d32", dash: [], name: "Support (solid)" },
    oppose: { colour: "#c62828", dash: [9, 5], name: "Oppose (dashed)" },
    neutral: { colour: "#6d6d6d", dash: [2, 4], name: "Neutral (dotted)" },
    mixed: { colour: "#0277bd", dash: [12, 4, 2, 4], name: "Mixed stances (dash-dot)" },
    congruence: { colour: "#2e7d32", dash: [], name: "Agreement (congruence, solid)" },
    conflict: { colour: "#c62828", dash: [9, 5], name: "Disagreement (conflict, dashed)" },
    cooccurrence: { colour: "#6b7280", dash: [], name: "Same claim, any stance (solid)" }
  };
  // Above these sizes the drawing trades polish for speed: fewer layout steps and
  // redraws while it settles, smaller shapes, plain "haystack" ties, labels only once
  // zoomed in, and a snapshot instead of every tie while panning or zooming.
  var LARGE_NODES = 300;
  var LARGE_EDGES = 1500;

  function tieClass(kind, stances) {
    if (kind !== "affiliation") return kind;
    var present = ["support", "oppose", "neutral"].filter(function (s) { return stances && stances[s] > 0; });
    return present.length === 1 ? present[0] : "mixed";
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function elementsFrom(data) {
    var maxWeight = 0;
    data.edges.forEach(function (e) { maxWeight = Math.max(maxWeight, Math.abs(e.weight)); });
    // A first placement in a compact spiral (as d3-force starts), so the first picture
    // needs no layout pass.
    var nodes = data.nodes.map(function (n, i) {
      var look = SHAPES[n.mode === "claim" ? "claim" : n.kind] || SHAPES.other;
      var radius = 30 * Math.sqrt(0.5 + i), angle = i * Math.PI * (3 - Math.sqrt(5));
      return {
        group: "nodes",
        position: { x: radius * Math.cos(angle), y: radius * Math.sin(angle) },
        data: {
          id: n.id, label: n.label, mode: n.mode, kind: n.kind, statements: n.statements,
          colour: n.colour || DEFAULT_COLOURS[n.kind] || "#5f6368", shape: look.shape, size: 20
        }
      };
    });
    var edges = data.edges.map(function (e, i) {
      var cls = tieClass(data.kind, e.stances);
      return {
        group: "edges",
        classes: "tie-" + cls,
        data: {
          id: "edge-" + i, source: e.source, target: e.target, weight: e.weight, tie: cls,
          stances: e.stances || null,
          width: maxWeight ? 1 + 7 * Math.abs(e.weight) / maxWeight : 1
        }
      };
    });
    return nodes.concat(edges);
  }

  function styles(large) {
    var list = [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)", shape: "data(shape)",
          width: "data(size)", height: "data(size)",
          label: "data(label)", "font-size": 11, color: "#1d1d1f",
          "text-valign": "bottom", "text-margin-y": 3,
          "text-wrap": "wrap", "text-max-width": "180px",
          "text-background-color": "#ffffff", "text-background-opacity": large ? 0 : 0.75,
          "text-background-padding": "1px",
          "min-zoomed-font-size": large ? 14 : 6,
          "border-width": 1.5, "border-color": "#ffffff"
        }
      },
      { selector: "node[mode = 'claim']", style: { "border-color": "#1d1d1f" } },
      {
        selector: "edge",
        style: {
          width: "data(width)", "line-color": "#6b7280", opacity: large ? 0.45 : 0.75,
          "curve-style": large ? "haystack" : "straight"
        }
      },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#111111", "z-index": 10 } },
      { selector: "edge:selected", style: { opacity: 1, "underlay-color": "#f2c94c", "underlay-opacity": 0.8, "underlay-padding": 3 } },
      { selector: ".faded", style: { opacity: 0.12 } }
    ];
    Object.keys(TIES).forEach(function (key) {
      var tie = TIES[key];
      var style = { "line-color": tie.colour, "line-style": tie.dash.length ? "dashed" : "solid" };
      if (tie.dash.length) style["line-dash-pattern"] = tie.dash;
      list.push({ selector: ".tie-" + key, style: style });
    });
    return list;
  }

  // Positions for the two-column drawing of an affiliation network: actors on the left,
  // claims on the right, each column in the order of the data (by name).
  function bipartitePositions(cy) {
    var actors = cy.nodes("[mode = 'actor']"), claims = cy.nodes("[mode = 'claim']");
    var height = Math.max(actors.length, claims.length) * 34;
    var positions = {};
    [[actors, 0], [claims, 520]].forEach(function (pair) {
      var group = pair[0], step = height / Math.max(group.length, 1);
      group.forEach(function (node, i) { positions[node.id()] = { x: pair[1], y: step * (i + 0.5) }; });
    });
    return positions;
  }

  function resize(cy, by, large) {
    var values = cy.nodes().map(function (n) { return by === "degree" ? n.degree(false) : n.data("statements"); });
    var max = Math.max.apply(null, values.concat([1]));
    // Many nodes share the same space: smaller shapes keep them apart.
    var least = large ? 8 : 14, range = large ? 18 : 30;
    cy.batch(function () {
      cy.nodes().forEach(function (node, i) { node.data("size", least + range * Math.sqrt(values[i] / max)); });
    });
  }

  // An SVG file of the drawing as it stands: positions, shapes, colours, dash patterns
  // and labels, with each node's and tie's name as its <title>.
  function escapeXml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }

  function polygon(sides, x, y, w, h, rotation) {
    var points = [];
    for (var i = 0; i < sides; i++) {
      var angle = rotation + 2 * Math.PI * i / sides;
      points.push((x + w / 2 * Math.cos(angle)).toFixed(1) + "," + (y + h / 2 * Math.sin(angle)).toFixed(1));
    }
    return points.join(" ");
  }

  function nodeShapeSvg(shape, x, y, size, fill, stroke) {
    var common = ' fill="' + fill + '" stroke="' + stroke + '" stroke-width="1.5"';
    var r = size / 2;
    switch (shape) {
      case "ellipse": return '<circle cx="' + x.toFixed(1) + '" cy="' + y.toFixed(1) + '" r="' + r.toFixed(1) + '"' + common + "/>";
      case "round-rectangle": return '<rect x="' + (x - r).toFixed(1) + '" y="' + (y - r).toFixed(1) + '" width="' + size.toFixed(1) + '" height="' + size.toFixed(1) + '" rx="' + (size / 5).toFixed(1) + '"' + common + "/>";
      case "hexagon": return '<polygon points="' + polygon(6, x, y, size, size, 0) + '"' + common + "/>";
      case "triangle": return '<polygon points="' + polygon(3, x, y, size, size, -Math.PI / 2) + '"' + common + "/>";
      case "octagon": return '<polygon points="' + polygon(8, x, y, size, size, Math.PI / 8) + '"' + common + "/>";
      default: return '<polygon points="' + polygon(4, x, y, size, size, -Math.PI / 2) + '"' + common + "/>";
    }
  }

  function toSvg(cy, title) {
    var box = cy.elements().boundingBox({ includeLabels: true });
    var pad = 20, top = 28;
    var width = Math.ceil(box.w + 2 * pad), height = Math.ceil(box.h + 2 * pad + top);
    var dx = pad - box.x1, dy = pad + top - box.y1;
    var out = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height + '" font-family="system-ui, sans-serif">',
      "<title>" + escapeXml(title) + "</title>",
      '<rect width="100%" height="100%" fill="#ffffff"/>',
      '<text x="' + pad + '" y="20" font-size="14" fill="#1d1d1f">' + escapeXml(title) + "</text>",
      '<g class="edges" stroke-linecap="round" fill="none">'
    ];
    cy.edges().forEach(function (edge) {
      var s = edge.source().position(), t = edge.target().position();
      var tie = TIES[edge.data("tie")] || TIES.cooccurrence;
      out.push('<line x1="' + (s.x + dx).toFixed(1) + '" y1="' + (s.y + dy).toFixed(1) + '" x2="' + (t.x + dx).toFixed(1) + '" y2="' + (t.y + dy).toFixed(1) +
        '" stroke="' + tie.colour + '" stroke-opacity="0.75" stroke-width="' + edge.data("width").toFixed(2) + '"' +
        (tie.dash.length ? ' stroke-dasharray="' + tie.dash.join(" ") + '"' : "") +
        "><title>" + escapeXml(edge.source().data("label") + " – " + edge.target().data("label") + ": " + edge.data("weight")) + "</title></line>");
    });
    out.push('</g><g class="nodes" font-size="11" text-anchor="middle" fill="#1d1d1f">');
    cy.nodes().forEach(function (node) {
      var p = node.position(), size = node.data("size"), x = p.x + dx, y = p.y + dy;
      out.push("<g><title>" + escapeXml(node.data("label") + " (" + plural(node.data("statements"), "statement") + ")") + "</title>" +
        nodeShapeSvg(node.data("shape"), x, y, size, node.data("colour"), node.data("mode") === "claim" ? "#1d1d1f" : "#ffffff") +
        '<text x="' + x.toFixed(1) + '" y="' + (y + size / 2 + 13).toFixed(1) + '">' + escapeXml(node.data("label")) + "</text></g>");
    });
    out.push("</g></svg>");
    return out.join("\n");
  }

  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function legendItem(svg, text) {
    var item = document.createElement("li");
    item.innerHTML = '<svg width="34" height="18" viewBox="0 0 34 18" aria-hidden="true" focusable="false">' + svg + "</svg>";
    item.appendChild(document.createTextNode(" " + text));
    return item;
  }

  function buildLegend(list, cy, kind) {
    list.textContent = "";
    var kinds = {};
    cy.nodes().forEach(function (n) { kinds[n.data("mode") === "claim" ? "claim" : n.data("kind")] = true; });
    Object.keys(SHAPES).forEach(function (key) {
      if (!kinds[key]) return;
      var stroke = key === "claim" ? "#1d1d1f" : "#ffffff";
      list.appendChild(legendItem(nodeShapeSvg(SHAPES[key].shape, 17, 9, 15, DEFAULT_COLOURS[key], stroke), SHAPES[key].name));
    });
    var ties = {};
    cy.edges().forEach(function (e) { ties[e.data("tie")] = true; });
    var keys = kind === "affiliation" ? ["support", "oppose", "neutral", "mixed"] : [kind];
    keys.forEach(function (key) {
      if (!ties[key]) return;
      var tie = TIES[key];
      list.appendChild(legendItem('<line x1="2" y1="9" x2="32" y2="9" stroke="' + tie.colour + '" stroke-width="3"' +
        (tie.dash.length ? ' stroke-dasharray="' + tie.dash.join(" ") + '"' : "") + "/>", tie.name));
    });
  }

  // The force-directed layout: d3-force's simulation (links pull, nodes repel, shapes
  // never overlap), stepped a few milliseconds per animation frame so that the page
  // answers clicks, zooms and pans while it settles. Large networks are redrawn less
  // often, as each redraw of thousands of ties costs more than the steps themselves.
  function forceLayout(cy, large, keepInView, done) {
    var nodes = cy.nodes().map(function (n) {
      return { id: n.id(), x: n.position("x"), y: n.position("y"), r: n.data("size") / 2 };
    });
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    var links = cy.edges().map(function (e) { return { source: byId[e.data("source")], target: byId[e.data("target")] }; });
    var simulation = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).distance(large ? 40 : 90))
      .force("charge", d3.forceManyBody().strength(large ? -60 : -300).theta(0.9))
      .force("collide", d3.forceCollide(function (n) { return n.r + (large ? 2 : 8); }))
      .force("x", d3.forceX().strength(0.04))
      .force("y", d3.forceY().strength(0.04))
      // About 300 steps for small networks, 170 for large ones.
      .alphaDecay(large ? 0.04 : 0.0228)
      .stop();
    var stopped = false, lastDraw = performance.now();
    var state = window.stancemapNetwork;
    state.ticks = 0;
    function place() {
      cy.batch(function () {
        cy.nodes().forEach(function (node, i) { node.position({ x: nodes[i].x, y: nodes[i].y }); });
      });
      if (keepInView()) cy.fit(undefined, 30);
    }
    function frame(now) {
      if (stopped) return;
      var until = performance.now() + (large ? 25 : 12);
      while (simulation.alpha() > simulation.alphaMin() && performance.now() < until) {
        simulation.tick();
        state.ticks += 1;
      }
      var finished = simulation.alpha() <= simulation.alphaMin();
      if (finished || now - lastDraw > (large ? 1500 : 0)) { place(); lastDraw = now; }
      if (finished) done();
      else requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
    return { stop: function () { stopped = true; } };
  }

  function init() {
    var container = document.getElementById("network-canvas");
    var source = document.getElementById("network-data");
    if (!container || !source || typeof cytoscape === "undefined") return;
    // Times are milliseconds since the page's navigation began (performance.now()).
    var started = performance.now();
    var data = JSON.parse(source.textContent);
    var large = data.nodes.length > LARGE_NODES || data.edges.length > LARGE_EDGES;
    var cy = cytoscape({
      container: container,
      elements: elementsFrom(data),
      style: styles(large),
      layout: { name: "preset", fit: true, padding: 30 },
      minZoom: 0.05, maxZoom: 6,
      selectionType: "single", boxSelectionEnabled: false,
      hideEdgesOnViewport: large, textureOnViewport: large, pixelRatio: large ? 1 : "auto"
    });
    var state = { cy: cy, data: data, scriptStart: started, firstRender: null, settled: null, layouts: 0 };
    window.stancemapNetwork = state;
    container.setAttribute("data-nodes", String(cy.nodes().length));
    container.setAttribute("data-edges", String(cy.edges().length));
    cy.one("render", function () { state.firstRender = performance.now(); });
    // Once a person zooms or pans, the settling layout stops refitting the view.
    ["wheel", "pointerdown", "keydown"].forEach(function (type) {
      container.addEventListener(type, function () { state.moved = true; });
    });

    var sizeSelect = document.getElementById("network-size");
    var layoutSelect = document.getElementById("network-layout");
    var caption = document.getElementById("network-caption-size");
    function applySize() {
      var by = sizeSelect ? sizeSelect.value : "activity";
      resize(cy, by, large);
      if (caption) caption.textContent = by === "degree" ? "Node size shows the number of ties." : "Node size shows the number of statements.";
    }
    applySize();

    var simulation = null;
    function runLayout() {
      var bipartite = layoutSelect && layoutSelect.value === "bipartite" && !data.one_mode;
      if (simulation) simulation.stop();
      container.setAttribute("data-layout", "running");
      function settled() {
        simulation = null;
        state.layouts += 1;
        state.settled = performance.now();
        container.setAttribute("data-layout", bipartite ? "bipartite" : "force");
      }
      if (bipartite || typeof d3 === "undefined") {
        var positions = bipartite ? bipartitePositions(cy) : null;
        cy.layout(positions ? { name: "preset", positions: positions, fit: true, padding: 30 } : { name: "circle", fit: true, padding: 30 }).run();
        settled();
        return;
      }
      state.moved = false;
      simulation = forceLayout(cy, large, function () { return !state.moved; }, settled);
    }
    runLayout();

    if (sizeSelect) sizeSelect.addEventListener("change", applySize);
    if (layoutSelect) layoutSelect.addEventListener("change", runLayout);

    // The statements behind the selection, fetched by htmx into the side panel.
    var statementsUrl = container.getAttribute("data-statements-url");
    var focusStatements = false;
    function listStatements(params, moveFocus) {
      if (typeof htmx === "undefined") return;
      focusStatements = moveFocus;
      htmx.ajax("GET", statementsUrl + "&" + new URLSearchParams(params).toString(), {
        target: "#network-statements", swap: "outerHTML"
      });
    }
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.target && event.target.id === "network-statements" && focusStatements) {
        event.target.focus();
      }
    });
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var link = event.target;
      focusStatements = Boolean(link && link.matches && link.matches(".network-edges a"));
    });

    function highlight(element) {
      cy.batch(function () {
        cy.elements().removeClass("faded");
        if (!element || large) return;
        var keep = element.isNode() ? element.closedNeighborhood() : element.union(element.connectedNodes());
        cy.elements().not(keep).addClass("faded");
      });
    }
    cy.on("tap", "node", function (event) {
      highlight(event.target);
      listStatements({ node: event.target.id() }, false);
    });
    cy.on("tap", "edge", function (event) {
      highlight(event.target);
      listStatements({ source: event.target.data("source"), target: event.target.data("target") }, false);
    });
    cy.on("tap", function (event) {
      if (event.target === cy) highlight(null);
    });

    // The full label (never cut) and the counts on hover.
    var tooltip = document.getElementById("network-tooltip");
    function showTip(element) {
      if (!tooltip) return;
      var text = element.isNode()
        ? element.data("label") + " · " + plural(element.data("statements"), "statement") + " · " + plural(element.degree(false), "tie")
        : element.source().data("label") + " – " + element.target().data("label") + " · weight " + element.data("weight");
      tooltip.textContent = text;
      var point = element.isNode() ? element.renderedPosition() : element.renderedMidpoint();
      tooltip.hidden = false;
      tooltip.style.left = Math.min(point.x + 12, container.clientWidth - tooltip.offsetWidth - 4) + "px";
      tooltip.style.top = Math.max(point.y - tooltip.offsetHeight - 10, 2) + "px";
    }
    cy.on("mouseover", "node, edge", function (event) { showTip(event.target); });
    cy.on("mouseout", "node, edge", function () { if (tooltip) tooltip.hidden = true; });
    cy.on("viewport", function () { if (tooltip) tooltip.hidden = true; });

    // Find a node by name: selects it, centres it, lists its statements.
    var search = document.getElementById("network-search");
    var names = document.getElementById("network-node-names");
    var status = document.getElementById("network-search-status");
    function listNames() {
      if (!names) return;
      names.textContent = "";
      data.nodes.map(function (n) { return n.label; }).sort().forEach(function (label) {
        var option = document.createElement("option");
        option.value = label;
        names.appendChild(option);
      });
    }
    listNames();
    function find() {
      var wanted = search.value.trim().toLowerCase();
      if (!wanted) return;
      var nodes = cy.nodes().filter(function (n) { return n.data("label").toLowerCase() === wanted; });
      if (!nodes.length) nodes = cy.nodes().filter(function (n) { return n.data("label").toLowerCase().indexOf(wanted) >= 0; });
      if (!nodes.length) {
        status.textContent = "No node is called “" + search.value.trim() + "”.";
        return;
      }
      var node = nodes[0];
      state.moved = true;
      cy.elements().unselect();
      node.select();
      highlight(node);
      cy.zoom({ level: Math.max(cy.zoom(), 1.2), renderedPosition: node.renderedPosition() });
      cy.center(node);
      status.textContent = "Found " + node.data("label") + (nodes.length > 1 ? " (and " + (nodes.length - 1) + " more matching)" : "") + ".";
      listStatements({ node: node.id() }, false);
    }
    var findButton = document.getElementById("network-find");
    if (findButton) findButton.addEventListener("click", find);
    if (search) search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); find(); }
    });

    // Zoom and pan by buttons, and by keyboard on the focused drawing.
    function zoomBy(factor) {
      state.moved = true;
      cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
    }
    document.querySelectorAll("[data-network-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-network-zoom");
        if (how === "fit") { state.moved = false; cy.fit(undefined, 30); }
        else zoomBy(how === "in" ? 1.25 : 0.8);
      });
    });
    container.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
      if (moves[event.key]) cy.panBy({ x: moves[event.key][0], y: moves[event.key][1] });
      else if (event.key === "+" || event.key === "=") zoomBy(1.25);
      else if (event.key === "-") zoomBy(0.8);
      else if (event.key === "0") cy.fit(undefined, 30);
      else return;
      event.preventDefault();
    });

    // Downloads of the drawing itself.
    var fileBase = container.getAttribute("data-filename") || "network";
    var title = container.getAttribute("aria-label") || "Network";
    var svgButton = document.getElementById("network-export-svg");
    var pngButton = document.getElementById("network-export-png");
    if (svgButton) svgButton.addEventListener("click", function () {
      download(new Blob([toSvg(cy, title)], { type: "image/svg+xml" }), fileBase + ".svg");
    });
    if (pngButton) pngButton.addEventListener("click", function () {
      var blob = cy.png({ output: "blob", full: true, scale: 2, maxWidth: 4000, maxHeight: 4000, bg: "#ffffff" });
      download(blob, fileBase + ".png");
    });

    var legend = document.getElementById("network-legend-items");
    if (legend) buildLegend(legend, cy, data.kind);

    // Another network on the same canvas (a time window, or all dates again): nodes
    // already drawn keep their places, the layout settles the rest.
    function showNetwork(next, statementsDates) {
      var positions = {};
      cy.nodes().forEach(function (node) { positions[node.id()] = node.position(); });
      data = next;
      state.data = next;
      cy.batch(function () {
        cy.elements().remove();
        cy.add(elementsFrom(next));
        cy.nodes().forEach(function (node) {
          if (positions[node.id()]) node.position(positions[node.id()]);
        });
      });
      container.setAttribute("data-nodes", String(cy.nodes().length));
      container.setAttribute("data-edges", String(cy.edges().length));
      var url = new URL(baseStatementsUrl, window.location.href);
      if (statementsDates) {
        url.searchParams.set("start", statementsDates.start);
        url.searchParams.set("end", statementsDates.end);
      }
      statementsUrl = url.pathname + url.search;
      applySize();
      listNames();
      if (legend) buildLegend(legend, cy, data.kind);
      highlight(null);
      runLayout();
    }
    var baseStatementsUrl = statementsUrl;
    var pageData = data;
    wireWindows(showNetwork, pageData);

    // The controls need this script; they stay hidden without it.
    document.querySelectorAll("[data-network-controls]").forEach(function (element) { element.hidden = false; });
  }

  // Time windows: the windows API with the page's options, a slider through them.
  function wireWindows(showNetwork, pageData) {
    var section = document.querySelector(".network-windows");
    var form = document.getElementById("network-windows-form");
    if (!section || !form) return;
    var status = document.getElementById("network-windows-status");
    var controls = document.getElementById("network-window-controls");
    var slider = document.getElementById("network-window");
    var label = document.getElementById("network-window-label");
    var all = document.getElementById("network-window-all");
    var windows = [];
    function describe(w) {
      return w.start + " to " + w.end + " · " + plural(w.statements, "statement");
    }
    function show(index) {
      var w = windows[index];
      if (!w) return;
      label.textContent = describe(w);
      slider.setAttribute("aria-valuetext", "Window " + (index + 1) + " of " + windows.length + ": " + describe(w));
      showNetwork(w.network, { start: w.start, end: w.end });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = new URL(section.getAttribute("data-windows-url"), window.location.href);
      url.searchParams.set("window", document.getElementById("network-window-size").value);
      url.searchParams.set("step", document.getElementById("network-window-step").value);
      url.searchParams.set("unit", document.getElementById("network-window-unit").value);
      status.textContent = "Computing the windows…";
      fetch(url.pathname + url.search, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (!answer.ok) {
            var messages = [];
            Object.keys(answer.body).forEach(function (key) { messages = messages.concat(answer.body[key]); });
            status.textContent = messages.join(" ");
            return;
          }
          windows = answer.body;
          if (!windows.length) {
            status.textContent = "No window fits between the first and the last statement; choose a shorter window.";
            controls.hidden = true;
            return;
          }
          status.textContent = plural(windows.length, "window") + ", from " + windows[0].start + " to " + windows[windows.length - 1].end + ". Move the slider to step through them.";
          slider.max = String(windows.length - 1);
          slider.value = "0";
          controls.hidden = false;
          show(0);
        })
        .catch(function () { status.textContent = "The windows could not be computed; try again."; });
    });
    slider.addEventListener("input", function () { show(Number(slider.value)); });
    all.addEventListener("click", function () {
      controls.hidden = true;
      status.textContent = "Showing all dates again.";
      showNetwork(pageData, null);
    });
  }

  // The affiliation qualifier means nothing for one-mode networks: hide it with them.
  function wireKindChoice() {
    var kind = document.getElementById("id_kind");
    var qualifier = document.getElementById("id_qualifier");
    var row = qualifier && qualifier.closest(".filter");
    if (!kind || !row) return;
    function update() { row.hidden = kind.value !== "affiliation"; }
    kind.addEventListener("change", update);
    update();
  }

  function ready() { wireKindChoice(); init(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
