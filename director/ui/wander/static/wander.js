// Wander view: draws the world's MJPEG stream on a canvas and sends held keys to the server.
// Runs as gr.HTML js_on_load: `element` is the component, `props.value` the world's token.
(() => {
  const KEYS = {w: "forward", arrowup: "forward", s: "back", arrowdown: "back", a: "left", arrowleft: "left",
                d: "right", arrowright: "right", q: "turn_left", e: "turn_right"};
  const DRAG_DEG_PER_PX = 0.2;
  const W = window.__wander = window.__wander || {held: [], run: false, drag: 0, seq: 0, token: null,
                                                    frames: 0, meta: {}, latency: [], pendingKey: null};
  W.element = element;

  const typing = (t) => t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  const visible = () => W.element && W.element.offsetParent !== null;

  function send() {
    if (!W.token) return;
    W.seq += 1;
    const body = JSON.stringify({held: W.held, run: W.run, drag: W.drag, seq: W.seq});
    W.drag = 0;
    fetch(`/wander/${W.token}/input`, {method: "POST", headers: {"Content-Type": "application/json"}, body,
                                        keepalive: true}).catch(() => {});
  }
  W.send = send;
  function press(action) {
    if (!W.held.includes(action)) { W.held = W.held.concat([action]); W.pendingKey = {t: performance.now(), action}; send(); }
  }
  function release(action) {
    if (W.held.includes(action)) { W.held = W.held.filter((a) => a !== action); send(); }
  }
  W.press = press; W.release = release;

  if (!W.listening) {
    W.listening = true;
    document.addEventListener("keydown", (e) => {
      if (typing(e.target) || !visible() || !W.token) return;
      if (e.key === "Shift") { if (!W.run) { W.run = true; send(); } return; }
      const action = KEYS[e.key.toLowerCase()];
      if (!action) return;
      e.preventDefault();
      W.run = e.shiftKey;
      if (!e.repeat) press(action);
    });
    document.addEventListener("keyup", (e) => {
      if (e.key === "Shift") { W.run = false; send(); return; }
      const action = KEYS[e.key.toLowerCase()];
      if (action) release(action);
    });
    const releaseAll = () => { if (W.held.length || W.run) { W.held = []; W.run = false; send(); } };
    window.addEventListener("blur", releaseAll);
    document.addEventListener("visibilitychange", () => { if (document.hidden) releaseAll(); });
    // Heartbeat while keys are held: the server releases keys it has not heard about for a while.
    setInterval(() => { if (W.held.length) send(); }, 400);
  }

  // On-screen pad (touch and mouse) and drag-to-turn on the view; bound again after each re-render.
  let dragX = null;
  function bind() {
    const root = W.element;
    root.querySelectorAll("[data-action]").forEach((btn) => {
      if (btn.dataset.bound) return;
      btn.dataset.bound = "1";
      const a = btn.dataset.action;
      btn.addEventListener("pointerdown", (e) => { e.preventDefault(); btn.setPointerCapture(e.pointerId); press(a); });
      ["pointerup", "pointercancel", "lostpointercapture"].forEach((n) => btn.addEventListener(n, () => release(a)));
    });
    const canvas = root.querySelector("canvas");
    if (!canvas || canvas.dataset.bound) return;
    canvas.dataset.bound = "1";
    canvas.addEventListener("pointerdown", (e) => { dragX = e.clientX; canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", (e) => {
      if (dragX === null || !W.token) return;
      W.drag += (e.clientX - dragX) * DRAG_DEG_PER_PX; dragX = e.clientX;
      if (!W.dragTimer) W.dragTimer = setTimeout(() => { W.dragTimer = null; send(); }, 30);
    });
    ["pointerup", "pointercancel"].forEach((n) => canvas.addEventListener(n, () => { dragX = null; }));
  }
  bind();

  // The stream: parse multipart parts (headers + Content-Length bytes), draw only the newest frame.
  const thumb = document.createElement("canvas"); thumb.width = 64; thumb.height = 36;
  const tctx = thumb.getContext("2d", {willReadFrequently: true});
  let prevThumb = null;
  function changed(bitmap) {
    tctx.drawImage(bitmap, 0, 0, 64, 36);
    const px = tctx.getImageData(0, 0, 64, 36).data;
    let diff = 0;
    if (prevThumb) for (let i = 0; i < px.length; i += 4) diff += Math.abs(px[i] - prevThumb[i]) + Math.abs(px[i + 1] - prevThumb[i + 1]);
    prevThumb = px;
    return diff / (64 * 36);
  }
  let latest = null, drawing = false;
  async function draw() {
    if (drawing || !latest) return;
    drawing = true;
    while (latest) {
      const part = latest; latest = null;
      try {
        const bitmap = await createImageBitmap(new Blob([part.jpeg], {type: "image/jpeg"}));
        const c = W.element.querySelector("canvas");
        if (c.width !== bitmap.width) { c.width = bitmap.width; c.height = bitmap.height; }
        c.getContext("2d").drawImage(bitmap, 0, 0);
        const diff = changed(bitmap);
        bitmap.close();
        const now = performance.now();
        W.frames += 1; W.meta = part.meta; W.lastDraw = now;
        // Key-to-screen latency: the first frame that differs from the one before, after a key press.
        if (W.pendingKey && diff > 0.5 && part.received > W.pendingKey.t) {
          W.latency.push({ms: now - W.pendingKey.t, action: W.pendingKey.action, frame: part.meta.frame});
          W.pendingKey = null;
        }
      } catch (err) { /* a torn frame: skip */ }
    }
    drawing = false;
  }
  const enc = new TextEncoder(), dec = new TextDecoder();
  const SEP = enc.encode("\r\n\r\n");
  function find(buf, pat, from) {
    outer: for (let i = from; i <= buf.length - pat.length; i++) {
      for (let j = 0; j < pat.length; j++) if (buf[i + j] !== pat[j]) continue outer;
      return i;
    }
    return -1;
  }
  async function connect(token) {
    if (W.abort) W.abort.abort();
    W.token = token || null; W.held = []; W.frames = 0;
    const status = W.element.querySelector(".wander-hint");
    if (!token) { if (status) status.textContent = "Enter a world to start."; return; }
    const ctrl = new AbortController(); W.abort = ctrl;
    try {
      const resp = await fetch(`/wander/${token}/stream`, {signal: ctrl.signal, cache: "no-store"});
      if (status) status.textContent = "W/A/S/D or arrows: move · Shift: run · Q/E or drag: turn";
      const reader = resp.body.getReader();
      let buf = new Uint8Array(0);
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        const merged = new Uint8Array(buf.length + value.length); merged.set(buf); merged.set(value, buf.length); buf = merged;
        for (;;) {
          const end = find(buf, SEP, 0);
          if (end < 0) break;
          const head = dec.decode(buf.subarray(0, end));
          const m = /content-length:\s*(\d+)/i.exec(head);
          if (!m) { buf = buf.subarray(end + 4); continue; }
          const start = end + 4, len = +m[1];
          if (buf.length < start + len) break;
          const hv = (name) => { const r = new RegExp(name + ":\\s*([^\\r\\n]+)", "i").exec(head); return r ? r[1] : null; };
          latest = {jpeg: buf.slice(start, start + len), received: performance.now(),
                    meta: {frame: +hv("x-frame"), t: +hv("x-time"), input: +hv("x-input")}};
          buf = buf.slice(start + len);
          draw();
        }
      }
    } catch (err) { if (err.name !== "AbortError" && status) status.textContent = "Stream ended."; }
  }
  W.connect = connect;

  // Sound: muted by default (browsers allow audio only after a click anyway). Unmuted, the page polls
  // the world's audio route and queues each block right after the previous one in WebAudio, ~0.15 s
  // ahead (about the frames' display delay); after a gap it rejoins at the newest sound.
  const SOUND_LEAD = 0.15, SOUND_POLL_MS = 100;
  W.sound = W.sound || {on: false, ctx: null, next: -1, at: 0, timer: null, blocks: 0};
  async function pollSound() {
    const S = W.sound;
    if (!S.on || !W.token || !S.ctx) return;
    try {
      const resp = await fetch(`/wander/${W.token}/audio?from=${S.next}`, {cache: "no-store"});
      if (!resp.ok) return;
      const start = +resp.headers.get("x-sample-start"), rate = +resp.headers.get("x-sample-rate");
      const pcm = new Int16Array(await resp.arrayBuffer());
      const n = pcm.length / 2;
      if (!n || !S.on) return;
      const buf = S.ctx.createBuffer(2, n, rate);
      const l = buf.getChannelData(0), r = buf.getChannelData(1);
      for (let i = 0; i < n; i++) { l[i] = pcm[2 * i] / 32768; r[i] = pcm[2 * i + 1] / 32768; }
      const now = S.ctx.currentTime;
      if (start !== S.next || S.at < now) S.at = now + SOUND_LEAD;  // first block, a gap, or an underrun
      const src = S.ctx.createBufferSource(); src.buffer = buf; src.connect(S.ctx.destination); src.start(S.at);
      S.at += n / rate; S.next = start + n; S.blocks += 1;
    } catch (err) { /* the world ended or the network hiccuped: the next poll tries again */ }
  }
  function setSound(on) {
    const S = W.sound;
    S.on = on; S.next = -1;
    if (on && !S.ctx) S.ctx = new (window.AudioContext || window.webkitAudioContext)();
    if (S.ctx) { if (on) S.ctx.resume(); else S.ctx.suspend(); }
    if (S.timer) { clearInterval(S.timer); S.timer = null; }
    if (on) S.timer = setInterval(pollSound, SOUND_POLL_MS);
    const btn = W.element.querySelector(".wander-sound");
    if (btn) { btn.setAttribute("aria-pressed", on ? "true" : "false"); btn.textContent = on ? "♪ Sound on" : "♪ Sound off"; }  // ♪: in every font, unlike emoji
  }
  W.setSound = setSound;
  W.soundBound = W.soundBound || new WeakSet();  // not a data- attribute: gradio re-renders attributes
  function bindSound() {
    const btn = W.element.querySelector(".wander-sound");
    if (!btn || W.soundBound.has(btn)) return;
    W.soundBound.add(btn);
    btn.addEventListener("click", (e) => { e.preventDefault(); setSound(!W.sound.on); });
    setSound(W.sound.on);
  }
  bindSound();
  watch("value", () => { bind(); bindSound(); W.sound.next = -1; connect(props.value); });
  if (props.value) connect(props.value);
})();
