// The Direct tab's live view: draws the take's MJPEG stream on a canvas and plays its sound (off by
// default). Runs as gr.HTML js_on_load after live_lib.js: `element` is the component, `props.value`
// the take's live token. window.__drLive tells tests and benchmarks what is on screen.
(() => {
  const L = window.__liveLib;
  const V = window.__drLive = window.__drLive || {token: null, frames: 0, t: null, firstDrawAt: null, abort: null,
                                                  bound: new WeakSet()};
  V.element = element;
  const hint = () => V.element.querySelector(".dr-live-hint");
  const say = (text) => { const h = hint(); if (h) { h.hidden = !text; if (text) h.textContent = text; } };
  const draw = L.drawer(() => V.element.querySelector("canvas"), (part) => {
    V.frames += 1; V.t = part.meta.t; V.frame = part.meta.frame; V.lastDraw = performance.now();
    if (V.firstDrawAt === null) { V.firstDrawAt = V.lastDraw; say(null); }
  });
  V.sound = V.sound || L.soundPlayer((from) => V.token ? `/live/${V.token}/audio?from=${from}` : null);
  async function connect(token) {
    if (V.abort) { V.abort.abort(); V.abort = null; }
    if (!token) return;  // no take yet: the last picture (or the hint) stays
    V.token = token; V.frames = 0; V.t = null; V.firstDrawAt = null; V.sound.rejoin();
    const ctrl = new AbortController(); V.abort = ctrl;
    say("Starting…");
    try {
      await L.readStream(`/live/${token}/stream`, ctrl.signal, draw);
    } catch (err) {
      if (err.name !== "AbortError" && V.frames === 0) say("The live view could not be opened.");
    }
  }
  V.connect = connect;
  function bind() {
    const btn = V.element.querySelector(".dr-live-sound");
    if (btn) L.bindSoundButton(btn, V.sound, V.bound);
    if (V.frames > 0) say(null);
  }
  bind();
  watch("value", () => { bind(); if (props.value !== V.token) connect(props.value); });
  if (props.value) connect(props.value);
})();
