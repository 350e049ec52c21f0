// ZeroNN Playground page: draws what the Python server computes. No training happens here.
// Talks JSON to the server that served this file (same origin); fetches nothing else.
"use strict";

const NODE = 36;          // node box size (px)
const ROW = 48;           // vertical distance between nodes
const TOP = 58;           // room for the column headers
const ORANGE = [245, 147, 34];
const BLUE = [8, 119, 189];
const LIGHT = [232, 234, 235];
const CLASS_COLORS = [[245, 147, 34], [8, 119, 189], [46, 160, 67], [200, 60, 160], [120, 90, 200],
                      [200, 60, 60], [90, 170, 170], [150, 150, 40]];
const FEATURE_LABELS = {x1: "X\u2081", x2: "X\u2082", x1sq: "X\u2081\u00b2", x2sq: "X\u2082\u00b2",
                        x1x2: "X\u2081X\u2082", sinx1: "sin(X\u2081)", sinx2: "sin(X\u2082)"};

const $ = (id) => document.getElementById(id);

// Timing seen by the benchmark and the browser test (window.__zeronnStats).
const stats = {updates: 0, drawMs: 0, maxDrawMs: 0, requestMs: 0, firstUpdate: 0, lastUpdate: 0, errors: 0};
window.__zeronnStats = stats;

let options = null;       // /api/options
let text = {};            // words of the current language
let session = null;       // the current session id
let full = null;          // the last full state: config, points, task ...
let last = null;          // the last state (maps, weights, losses)
let history = [];         // [epoch, train loss, test loss]
let playing = false;
let queue = Promise.resolve();
let hovered = null;       // {column, unit} under the mouse
let explainColumn = null;
let lastFindings = "";

// ------------------------------------------------------------------ talking to the server
function enqueue(job) {
  // One request at a time, in order: training steps and setting changes never interleave.
  const run = queue.then(job);
  queue = run.catch(() => {});
  return run;
}

async function post(path, body) {
  const response = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                                      body: JSON.stringify(body)});
  const payload = await response.json();
  if (!response.ok) {
    const error = new Error(payload.error || response.statusText);
    error.status = response.status;
    throw error;
  }
  return payload;
}

async function withSession(path, body) {
  // A session evicted by newer tabs (404) is started again from the settings in the URL.
  try {
    return await post(path, Object.assign({session}, body));
  } catch (error) {
    if (error.status !== 404) throw error;
    show(text.session_lost);
    applyFull(await post("/api/session", {query: location.search}));
    return await post(path, Object.assign({session}, body));
  }
}

function show(message, isError) {
  const box = $("message");
  box.textContent = message || "";
  box.hidden = !message;
  box.classList.toggle("error", Boolean(isError));
}

function fail(error) {
  stats.errors += 1;
  show(`${text.server_error || "Error"}: ${error.message}`, true);
}

// ------------------------------------------------------------------ decoding maps
function bytes(b64) {
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function diverging(t, discrete) {
  // t in [0, 1]: orange (0) .. light grey (0.5) .. blue (1).
  if (discrete) return t >= 0.5 ? BLUE : ORANGE;
  const [a, b, s] = t < 0.5 ? [ORANGE, LIGHT, t * 2] : [LIGHT, BLUE, (t - 0.5) * 2];
  return [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s, a[2] + (b[2] - a[2]) * s];
}

function paintMap(canvas, values, size, classes, discrete) {
  // Draws a size x size byte map into canvas (scaled, smoothed).
  const small = paintMap.scratch[size] || (paintMap.scratch[size] = document.createElement("canvas"));
  small.width = size; small.height = size;
  const context = small.getContext("2d");
  const image = context.createImageData(size, size);
  const k = full && full.classes.length ? full.classes.length : 2;
  for (let i = 0; i < size * size; i++) {
    let color;
    if (classes) {
      const base = CLASS_COLORS[classes[i] % CLASS_COLORS.length];
      const confidence = discrete ? 1 : Math.max(0, (values[i] / 255 - 1 / k) / (1 - 1 / k));
      color = [LIGHT[0] + (base[0] - LIGHT[0]) * confidence, LIGHT[1] + (base[1] - LIGHT[1]) * confidence,
               LIGHT[2] + (base[2] - LIGHT[2]) * confidence];
    } else {
      color = diverging(values[i] / 255, discrete);
    }
    image.data[4 * i] = color[0]; image.data[4 * i + 1] = color[1]; image.data[4 * i + 2] = color[2];
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = true;
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}
paintMap.scratch = {};

// ------------------------------------------------------------------ controls
function fillSelect(id, values, label) {
  const select = $(id);
  select.innerHTML = "";
  for (const value of values) {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = label(value);
    select.appendChild(option);
  }
}

function setSelect(id, value) {
  const select = $(id);
  if (![...select.options].some((o) => o.value === String(value))) {
    const option = document.createElement("option");
    option.value = String(value); option.textContent = String(value);
    select.appendChild(option);
  }
  select.value = String(value);
}

function buildControls() {
  const c = options.choices;
  const word = (prefix) => (v) => text[`${prefix}_${v}`] || v;
  fillSelect("lr", c.lr, String);
  fillSelect("reg_rate", c.reg_rate, String);
  fillSelect("activation", c.activation, (v) => text[`act_${v}`] || v);
  fillSelect("optimizer", c.optimizer, word("opt"));
  fillSelect("schedule", c.schedule, word("sched"));
  fillSelect("reg", c.reg, word("reg"));
  const box = $("datasets");
  box.innerHTML = "";
  for (const name of c.data) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = `data-${name}`;
    button.className = "dataset";
    button.dataset.value = name;
    button.textContent = name === "csv" && options.csv_name ? options.csv_name : word("data")(name);
    button.addEventListener("click", () => change({data: name}));
    box.appendChild(button);
  }
}

function applyText() {
  for (const element of document.querySelectorAll("[data-text]")) {
    const word = text[element.dataset.text];
    if (word) element.textContent = word;
  }
  document.documentElement.lang = full && full.config.lang === "zh" ? "zh-CN" : "en";
  document.title = text.title || "ZeroNN Playground";
  const keep = full ? full.config : null;
  buildControls();
  if (keep) syncControls(keep);
}

function syncControls(config) {
  for (const id of ["lr", "reg_rate", "activation", "optimizer", "schedule", "reg"]) setSelect(id, config[id]);
  $("lang").value = config.lang;
  for (const id of ["ratio", "noise", "batch"]) {
    const input = $(id);
    if (Number(input.max) < config[id]) input.max = String(config[id]);
    input.value = String(config[id]);
    $(`${id}-value`).textContent = id === "batch" ? String(config[id]) : `${config[id]}%`;
  }
  $("points").value = String(config.points);
  $("seed").value = String(config.seed);
  $("show-test").checked = config.show_test;
  $("discretize").checked = config.discretize;
  for (const button of document.querySelectorAll(".dataset")) {
    button.classList.toggle("selected", button.dataset.value === config.data);
  }
  const n = config.layers.length;
  $("layer-count").textContent = `${n} ${text.hidden_layers || "hidden layers"}`;
}

function change(changes) {
  return enqueue(async () => {
    try {
      applyFull(await withSession("/api/config", {changes}));
    } catch (error) {
      fail(error);
      if (full) syncControls(full.config);
    }
  });
}

function bindControls() {
  for (const id of ["activation", "optimizer", "schedule", "reg"]) {
    $(id).addEventListener("change", () => change({[id]: $(id).value}));
  }
  for (const id of ["lr", "reg_rate"]) $(id).addEventListener("change", () => change({[id]: Number($(id).value)}));
  for (const id of ["ratio", "noise", "batch"]) {
    $(id).addEventListener("input", () => {
      $(`${id}-value`).textContent = id === "batch" ? $(id).value : `${$(id).value}%`;
    });
    $(id).addEventListener("change", () => change({[id]: Number($(id).value)}));
  }
  for (const id of ["points", "seed"]) $(id).addEventListener("change", () => change({[id]: Number($(id).value)}));
  $("show-test").addEventListener("change", () => change({show_test: $("show-test").checked}));
  $("discretize").addEventListener("change", () => change({discretize: $("discretize").checked}));
  $("lang").addEventListener("change", () => change({lang: $("lang").value}));
  $("add-layer").addEventListener("click", () => {
    const layers = full.config.layers.slice();
    if (layers.length < options.max_layers) change({layers: layers.concat([2])});
  });
  $("remove-layer").addEventListener("click", () => {
    const layers = full.config.layers.slice();
    if (layers.length > 0) change({layers: layers.slice(0, -1)});
  });
  $("play").addEventListener("click", play);
  $("pause").addEventListener("click", pause);
  $("step").addEventListener("click", () => { pause(); enqueue(trainOnce); });
  $("reset").addEventListener("click", () => enqueue(async () => {
    try { applyFull(await withSession("/api/reset", {})); } catch (error) { fail(error); }
  }));
  $("upload").addEventListener("change", uploadFile);
  $("weight-editor").addEventListener("submit", submitWeight);
  $("explain-close").addEventListener("click", () => { explainColumn = null; $("explain").hidden = true; });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") $("weight-editor").hidden = true;
  });
}

async function uploadFile() {
  const file = $("upload").files[0];
  if (!file) return;
  const content = await file.text();
  enqueue(async () => {
    try {
      applyFull(await withSession("/api/upload", {name: file.name, text: content}));
      show("");
    } catch (error) { fail(error); }
  });
}

// ------------------------------------------------------------------ play / pause
function play() {
  if (playing) return;
  playing = true;
  $("play").hidden = true; $("pause").hidden = false;
  loop();
}

function pause() {
  playing = false;
  $("play").hidden = false; $("pause").hidden = true;
}

function nextFrame() { return new Promise((resolve) => requestAnimationFrame(() => resolve())); }

async function requestTrain() {
  // One epoch on the server; the state, or null after an error (reported, and playing stops).
  try {
    const started = performance.now();
    const state = await withSession("/api/train", {epochs: 1});
    stats.requestMs += performance.now() - started;
    return state;
  } catch (error) {
    pause();
    fail(error);
    return null;
  }
}

function land(state) {
  applyUpdate(state);
  if (explainColumn !== null && state.epoch % 10 === 0) explain(explainColumn);   // the live numbers move on
  if (state.diverged) { pause(); show(`${text.diverged}: ${state.diverged}`, true); }
}

async function trainOnce() {
  const state = await requestTrain();
  if (state) land(state);
}

async function loop() {
  // Pipelined: the next epoch is asked for before this one is drawn, so the server trains while the page draws.
  let next = enqueue(requestTrain);
  for (;;) {
    const state = await next;
    if (!state) return;
    const more = playing && !state.diverged;
    if (more) next = enqueue(requestTrain);
    land(state);
    if (!more) return;
    await nextFrame();
  }
}

// ------------------------------------------------------------------ states
function applyFull(state) {
  session = state.session;
  full = state;
  history = state.history.slice();
  text = options.text[state.config.lang];
  window.history.replaceState(null, "", `?${state.query}`);
  $("export-model").href = `/api/export/model?session=${session}`;
  $("export-code").href = `/api/export/code?session=${session}`;
  applyText();
  buildNetwork(state);
  draw(state);
  if (explainColumn !== null) explain(explainColumn);
}

function applyUpdate(state) {
  for (const row of state.losses) history.push(row);
  draw(state);
}

// ------------------------------------------------------------------ the network picture
function columnsOf(state) {
  // Column 0: all seven features (the active ones feed the network); then the hidden layers; then the output.
  const config = state.config;
  const columns = [{kind: "input", units: options.choices.features.length}];
  for (const units of config.layers) columns.push({kind: "hidden", units});
  columns.push({kind: "output", units: 1});
  return columns;
}

function nodePosition(column, unit, count, width) {
  const x = 20 + column * ((width - 40 - NODE) / Math.max(1, count - 1));
  return {x, y: TOP + unit * ROW};
}

function buildNetwork(state) {
  const box = $("network");
  const svg = $("links");
  for (const element of box.querySelectorAll(".node, .column-head")) element.remove();
  svg.innerHTML = "";
  const columns = columnsOf(state);
  const width = box.clientWidth || 560;
  const tallest = Math.max(...columns.map((c) => c.units));
  box.style.height = `${TOP + tallest * ROW + 10}px`;
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(TOP + tallest * ROW + 10));
  const active = state.config.features;
  const positions = columns.map((column, c) => Array.from({length: column.units},
    (_, u) => nodePosition(c, u, columns.length, width)));
  // column headers: title (click to explain) and +/- units
  columns.forEach((column, c) => {
    const head = document.createElement("div");
    head.className = "column-head";
    head.style.left = `${positions[c][0].x - 30}px`;
    const title = document.createElement("button");
    title.type = "button";
    title.className = "column-title";
    title.id = `column-${c}`;
    if (column.kind === "input") {
      title.textContent = text.features || "Features";
    } else if (column.kind === "output") {
      title.textContent = text.output || "Output";
    } else {
      title.textContent = `${column.units} ${text.neurons || "neurons"}`;
    }
    if (column.kind !== "input") title.addEventListener("click", () => explain(c));
    head.appendChild(title);
    if (column.kind === "hidden") {
      const layer = c - 1;
      for (const [sign, delta] of [["+", 1], ["\u2212", -1]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "round small";
        button.textContent = sign;
        button.id = `${delta > 0 ? "add" : "remove"}-unit-${layer}`;
        button.addEventListener("click", () => {
          const layers = full.config.layers.slice();
          const units = layers[layer] + delta;
          if (units >= 1 && units <= options.max_units) { layers[layer] = units; change({layers}); }
        });
        head.appendChild(button);
      }
    }
    box.appendChild(head);
  });
  // nodes
  columns.forEach((column, c) => {
    for (let u = 0; u < column.units; u++) {
      const node = document.createElement("div");
      node.className = `node ${column.kind}`;
      node.id = `node-${c}-${u}`;
      node.style.left = `${positions[c][u].x}px`;
      node.style.top = `${positions[c][u].y}px`;
      const canvas = document.createElement("canvas");
      canvas.width = NODE; canvas.height = NODE;
      node.appendChild(canvas);
      if (column.kind === "input") {
        const name = options.choices.features[u];
        const label = document.createElement("span");
        label.className = "feature-label";
        label.textContent = FEATURE_LABELS[name];
        node.appendChild(label);
        node.dataset.feature = name;
        node.classList.toggle("inactive", !active.includes(name));
        node.addEventListener("click", () => toggleFeature(name));
      }
      node.addEventListener("mouseenter", () => { hovered = {column: c, unit: u, node}; drawHover(); });
      node.addEventListener("mouseleave", () => { hovered = null; $("hover").hidden = true; });
      box.appendChild(node);
    }
  });
  // links: from each active unit of a column to each unit of the next
  for (let c = 0; c + 1 < columns.length; c++) {
    const sources = c === 0 ? options.choices.features.map((name, u) => [u, active.indexOf(name)])
      .filter(([, row]) => row >= 0) : positions[c].map((_, u) => [u, u]);
    for (const [u, row] of sources) {
      for (let v = 0; v < columns[c + 1].units; v++) {
        const a = positions[c][u];
        const b = positions[c + 1][v];
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const x1 = a.x + NODE, y1 = a.y + NODE / 2, x2 = b.x, y2 = b.y + NODE / 2;
        const mid = (x1 + x2) / 2;
        path.setAttribute("d", `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`);
        path.setAttribute("class", "link");
        path.id = `link-${c}-${row}-${v}`;
        path.dataset.layer = String(c);
        path.dataset.source = String(row);
        path.dataset.target = String(v);
        path.addEventListener("click", (event) => editWeight(event, path));
        const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
        path.appendChild(title);
        svg.appendChild(path);
      }
    }
  }
}

function toggleFeature(name) {
  const features = full.config.features.slice();
  const at = features.indexOf(name);
  if (at >= 0 && features.length === 1) return;          // at least one input
  if (at >= 0) features.splice(at, 1); else features.push(name);
  change({features});
}

function editWeight(event, path) {
  const editor = $("weight-editor");
  editor.dataset.layer = path.dataset.layer;
  editor.dataset.source = path.dataset.source;
  editor.dataset.target = path.dataset.target;
  const w = last.weights[Number(path.dataset.layer)][Number(path.dataset.source)][Number(path.dataset.target)];
  $("weight-value").value = String(w);
  editor.style.left = `${event.pageX + 8}px`;
  editor.style.top = `${event.pageY + 8}px`;
  editor.hidden = false;
  $("weight-value").focus();
  $("weight-value").select();
}

function submitWeight(event) {
  event.preventDefault();
  const editor = $("weight-editor");
  const value = Number($("weight-value").value);
  editor.hidden = true;
  enqueue(async () => {
    try {
      applyUpdate(await withSession("/api/weight", {layer: Number(editor.dataset.layer),
        source: Number(editor.dataset.source), target: Number(editor.dataset.target), value}));
    } catch (error) { fail(error); }
  });
}

// ------------------------------------------------------------------ drawing one state
function pad(epoch) {
  return String(epoch).padStart(6, "0").replace(/(\d{3})(\d{3})$/, "$1,$2");
}

function draw(state) {
  const started = performance.now();
  last = state;
  const discrete = full.config.discretize;
  $("epoch").textContent = pad(state.epoch);
  $("lr-now").textContent = state.lr !== null && state.lr !== full.config.lr ? `\u2192 ${state.lr.toPrecision(3)}` : "";
  $("train-loss").textContent = state.train_loss === null ? "NaN" : state.train_loss.toFixed(3);
  $("test-loss").textContent = state.test_loss === null ? "NaN" : state.test_loss.toFixed(3);
  const output = bytes(state.output);
  const classes = state.output_classes ? bytes(state.output_classes) : null;
  drawBoundary(output, classes, discrete);
  drawUnits(state, output, classes, discrete);
  drawLinks(state);
  drawCurve();
  drawFindings(state.findings);
  if (hovered) drawHover();
  const spent = performance.now() - started;
  stats.updates += 1;
  stats.drawMs += spent;
  stats.maxDrawMs = Math.max(stats.maxDrawMs, spent);
  if (!stats.firstUpdate) stats.firstUpdate = performance.now();
  stats.lastUpdate = performance.now();
}

function toCanvas(x, size) { return (x + options.domain) / (2 * options.domain) * size; }

function pointColor(y) {
  if (full.task === "regression") return diverging((Math.max(-1, Math.min(1, y)) + 1) / 2, false);
  if (full.task === "binary") return y ? BLUE : ORANGE;
  return CLASS_COLORS[y % CLASS_COLORS.length];
}

function drawPoints(context, size, set, outline) {
  for (let i = 0; i < set.x.length; i++) {
    const [px, py] = set.x[i];
    const color = pointColor(set.y[i]);
    context.beginPath();
    context.arc(toCanvas(px, size), size - toCanvas(py, size), 3, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${color[0]},${color[1]},${color[2]})`;
    context.fill();
    context.lineWidth = 1;
    context.strokeStyle = outline;
    context.stroke();
  }
}

function drawBoundary(output, classes, discrete) {
  const canvas = $("boundary");
  paintMap(canvas, output, options.grid, classes, discrete);
  const context = canvas.getContext("2d");
  drawPoints(context, canvas.width, full.train, "white");
  if (full.config.show_test) drawPoints(context, canvas.width, full.test, "black");
}

function drawUnits(state, output, classes, discrete) {
  const active = full.config.features;
  options.choices.features.forEach((name, u) => {
    const canvas = document.querySelector(`#node-0-${u} canvas`);
    if (!canvas) return;
    const row = active.indexOf(name);
    if (row >= 0) paintMap(canvas, bytes(state.units[0][row]), options.unit_grid, null, false);
    else canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  });
  for (let c = 1; c < state.units.length; c++) {
    state.units[c].forEach((map, u) => {
      const canvas = document.querySelector(`#node-${c}-${u} canvas`);
      if (canvas) paintMap(canvas, bytes(map), options.unit_grid, null, false);
    });
  }
  const outputCanvas = document.querySelector(`#node-${state.units.length}-0 canvas`);
  if (outputCanvas) paintMap(outputCanvas, output, options.grid, classes, discrete);
}

function drawLinks(state) {
  for (const path of $("links").querySelectorAll("path")) {
    const layer = state.weights[Number(path.dataset.layer)] || [];
    const w = (layer[Number(path.dataset.source)] || [])[Number(path.dataset.target)];
    const value = typeof w === "number" ? w : 0;
    const color = value >= 0 ? BLUE : ORANGE;
    path.setAttribute("stroke", `rgb(${color[0]},${color[1]},${color[2]})`);
    path.setAttribute("stroke-width", String(Math.min(0.6 + Math.abs(value) * 2.2, 9)));
    path.firstChild.textContent = (text.weight_title || "weight {w}").replace("{w}", String(w));
  }
}

function drawCurve() {
  const canvas = $("loss-curve");
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (history.length < 2) return;
  const values = history.flatMap((row) => [row[1], row[2]]).filter((v) => v !== null && isFinite(v));
  const high = Math.max(...values, 1e-9);
  const last = history[history.length - 1][0];
  const first = history[0][0];
  const x = (epoch) => 4 + (epoch - first) / Math.max(1, last - first) * (canvas.width - 8);
  const y = (v) => canvas.height - 4 - Math.min(v, high) / high * (canvas.height - 8);
  for (const [column, dash, color] of [[1, [], "#333"], [2, [4, 3], "#0877bd"]]) {
    context.beginPath();
    context.setLineDash(dash);
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    history.forEach((row, i) => {
      const v = row[column] === null ? high : row[column];
      if (i === 0) context.moveTo(x(row[0]), y(v)); else context.lineTo(x(row[0]), y(v));
    });
    context.stroke();
  }
  context.setLineDash([]);
  canvas.title = text.loss_curve || "";
}

function drawFindings(findings) {
  const key = JSON.stringify(findings);
  if (key === lastFindings) return;
  lastFindings = key;
  const list = $("doctor");
  list.innerHTML = "";
  if (!findings.length) {
    const item = document.createElement("li");
    item.className = "none";
    item.textContent = text.doctor_none || "";
    list.appendChild(item);
    return;
  }
  for (const finding of findings) {
    const item = document.createElement("li");
    item.className = finding.severity;
    const message = document.createElement("p");
    message.className = "message";
    message.textContent = (finding.layer ? `[${finding.layer}] ` : "") + finding.message;
    const advice = document.createElement("p");
    advice.className = "advice";
    advice.textContent = finding.advice;
    item.append(message, advice);
    list.appendChild(item);
  }
}

function drawHover() {
  if (!hovered || !last) return;
  const {column, unit, node} = hovered;
  const canvas = $("hover-map");
  const label = $("hover-label");
  const output = column === last.units.length;
  if (output) {
    paintMap(canvas, bytes(last.output), options.grid, last.output_classes ? bytes(last.output_classes) : null,
             full.config.discretize);
    label.textContent = text.output || "Output";
  } else {
    const row = column === 0 ? full.config.features.indexOf(options.choices.features[unit]) : unit;
    if (row < 0) return;
    paintMap(canvas, bytes(last.units[column][row]), options.unit_grid, null, false);
    const scale = last.scales[column][row];
    label.textContent = column === 0 ? FEATURE_LABELS[options.choices.features[unit]]
      : `${text.layer || "Layer"} ${column}, #${unit + 1}  (|a| \u2264 ${scale.toPrecision(3)})`;
  }
  const box = $("hover");
  const rect = node.getBoundingClientRect();
  box.style.left = `${rect.right + window.scrollX + 8}px`;
  box.style.top = `${rect.top + window.scrollY - 80}px`;
  box.hidden = false;
}

// ------------------------------------------------------------------ explain view
async function explain(column) {
  explainColumn = column;
  enqueue(async () => {
    try {
      const result = await withSession("/api/explain", {});
      renderExplain(column, result);
    } catch (error) { fail(error); }
  });
}

function renderExplain(column, result) {
  // Layers of column c (c >= 1): the c-th Linear and the activation after it.
  const records = result.records.filter((record) => record.column === column);
  const box = $("explain-body");
  box.innerHTML = "";
  $("explain-title").textContent = column === columnsOf(full).length - 1 ? text.output : `${text.layer} ${column}`;
  for (const record of records) {
    const section = document.createElement("div");
    section.className = "record";
    const title = document.createElement("h3");
    title.textContent = record.layer || record.name;
    section.appendChild(title);
    for (const [key, value] of [["explain_forward", record.forward], ["explain_backward", record.backward]]) {
      if (!value) continue;
      const head = document.createElement("h4");
      head.textContent = text[key];
      const pre = document.createElement("pre");
      pre.textContent = Array.isArray(value) ? value.join("\n") : String(value);
      section.append(head, pre);
    }
    for (const [key, value] of [["explain_shapes", record.shapes], ["explain_stats", record.stats]]) {
      if (!value) continue;
      const head = document.createElement("h4");
      head.textContent = text[key];
      const pre = document.createElement("pre");
      pre.textContent = typeof value === "string" ? value : JSON.stringify(value, null, 1);
      section.append(head, pre);
    }
    box.appendChild(section);
  }
  $("explain").hidden = false;
}

// ------------------------------------------------------------------ start
async function start() {
  try {
    const response = await fetch("/api/options");
    options = await response.json();
    text = options.text[options.defaults.lang];
    bindControls();
    buildControls();
    let state;
    try {
      state = await post("/api/session", {query: location.search});
    } catch (error) {
      if (error.status !== 400) throw error;
      state = await post("/api/session", {query: ""});     // a broken link: start from the defaults
      fail(error);
    }
    applyFull(state);
    window.addEventListener("resize", () => { if (full) { buildNetwork(full); draw(last); } });
    window.addEventListener("pagehide", () => {
      if (session) navigator.sendBeacon("/api/close", new Blob([JSON.stringify({session})],
                                                                {type: "application/json"}));
    });
    document.body.dataset.ready = "1";
  } catch (error) {
    fail(error);
  }
}

start();
