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

  // The stream (window.__liveLib, live_lib.js): draw only the newest frame; stamp key-to-screen latency.
  const L = window.__liveLib;
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
  const draw = L.drawer(() => W.element.querySelector("canvas"), (part, bitmap) => {
    const diff = changed(bitmap);
    const now = performance.now();
    W.frames += 1; W.meta = part.meta; W.lastDraw = now;
    // Key-to-screen latency: the first frame that differs from the one before, after a key press.
    if (W.pendingKey && diff > 0.5 && part.received > W.pendingKey.t) {
      W.latency.push({ms: now - W.pendingKey.t, action: W.pendingKey.action, frame: part.meta.frame});
      W.pendingKey = null;
    }
  });
  async function connect(token) {
    if (W.abort) W.abort.abort();
    W.token = token || null; W.held = []; W.frames = 0;
    const status = W.element.querySelector(".wander-hint");
    if (!token) { if (status) status.textContent = "Enter a world to start."; return; }
    const ctrl = new AbortController(); W.abort = ctrl;
    if (status) status.textContent = "W/A/S/D or arrows: move · Shift: run · Q/E or drag: turn";
    try {
      await L.readStream(`/wander/${token}/stream`, ctrl.signal, draw);
    } catch (err) { if (err.name !== "AbortError" && status) status.textContent = "Stream ended."; }
  }
  W.connect = connect;

  // Sound: muted by default (browsers allow audio only after a click anyway); unmuted, the world's
  // audio route is queued into WebAudio ~0.15 s ahead (about the frames' display delay).
  W.sound = W.sound || L.soundPlayer((from) => W.token ? `/wander/${W.token}/audio?from=${from}` : null);
  W.setSound = (on) => { W.sound.set(on); bindSound(); };
  W.soundBound = W.soundBound || new WeakSet();  // not a data- attribute: gradio re-renders attributes
  function bindSound() {
    const btn = W.element.querySelector(".wander-sound");
    if (btn) L.bindSoundButton(btn, W.sound, W.soundBound);
  }
  bindSound();
  watch("value", () => { bind(); bindSound(); W.sound.rejoin(); connect(props.value); });
  if (props.value) connect(props.value);
})();
