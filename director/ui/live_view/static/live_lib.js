// Shared by the live views (Direct's take, Wander's world): read an MJPEG stream part by part, and play
// a PCM sound route through WebAudio. Defines window.__liveLib once; each view's script uses it.
window.__liveLib = window.__liveLib || (() => {
  const enc = new TextEncoder(), dec = new TextDecoder();
  const SEP = enc.encode("\r\n\r\n");
  function find(buf, pat, from) {
    outer: for (let i = from; i <= buf.length - pat.length; i++) {
      for (let j = 0; j < pat.length; j++) if (buf[i + j] !== pat[j]) continue outer;
      return i;
    }
    return -1;
  }
  // Calls onPart({jpeg, received, meta: {frame, t, input}}) for every part of the stream at `url`.
  async function readStream(url, signal, onPart) {
    const resp = await fetch(url, {signal, cache: "no-store"});
    if (!resp.ok) throw new Error(`stream ${resp.status}`);
    const reader = resp.body.getReader();
    let buf = new Uint8Array(0);
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
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
        onPart({jpeg: buf.slice(start, start + len), received: performance.now(),
                meta: {frame: +hv("x-frame"), t: +hv("x-time"), input: +hv("x-input")}});
        buf = buf.slice(start + len);
      }
    }
  }
  // Draws the newest part on `canvasOf()`, skipping parts that arrive while one is being decoded.
  function drawer(canvasOf, onDrawn) {
    let latest = null, drawing = false;
    return async function draw(part) {
      latest = part;
      if (drawing) return;
      drawing = true;
      while (latest) {
        const p = latest; latest = null;
        try {
          const bitmap = await createImageBitmap(new Blob([p.jpeg], {type: "image/jpeg"}));
          const c = canvasOf();
          if (c) {
            if (c.width !== bitmap.width || c.height !== bitmap.height) { c.width = bitmap.width; c.height = bitmap.height; }
            c.getContext("2d").drawImage(bitmap, 0, 0);
          }
          if (onDrawn) onDrawn(p, bitmap);
          bitmap.close();
        } catch (err) { /* a torn frame: skip */ }
      }
      drawing = false;
    };
  }
  // Sound: polls `urlOf(fromSample)` while on and queues each block right after the previous one, `lead`
  // seconds ahead; after a gap it rejoins at the newest sound. Muted (off) until the user turns it on.
  function soundPlayer(urlOf, {lead = 0.15, pollMs = 100} = {}) {
    const S = {on: false, ctx: null, next: -1, at: 0, timer: null, blocks: 0};
    async function poll() {
      const url = S.on && S.ctx ? urlOf(S.next) : null;
      if (!url) return;
      try {
        const resp = await fetch(url, {cache: "no-store"});
        if (!resp.ok) return;
        const start = +resp.headers.get("x-sample-start"), rate = +resp.headers.get("x-sample-rate");
        const pcm = new Int16Array(await resp.arrayBuffer());
        const n = pcm.length / 2;
        if (!n || !S.on) return;
        const buf = S.ctx.createBuffer(2, n, rate);
        const l = buf.getChannelData(0), r = buf.getChannelData(1);
        for (let i = 0; i < n; i++) { l[i] = pcm[2 * i] / 32768; r[i] = pcm[2 * i + 1] / 32768; }
        const now = S.ctx.currentTime;
        if (start !== S.next || S.at < now) S.at = now + lead;  // first block, a gap, or an underrun
        const src = S.ctx.createBufferSource(); src.buffer = buf; src.connect(S.ctx.destination); src.start(S.at);
        S.at += n / rate; S.next = start + n; S.blocks += 1;
      } catch (err) { /* the stream ended or the network hiccuped: the next poll tries again */ }
    }
    S.set = (on) => {
      S.on = on; S.next = -1;
      if (on && !S.ctx) S.ctx = new (window.AudioContext || window.webkitAudioContext)();
      if (S.ctx) { if (on) S.ctx.resume(); else S.ctx.suspend(); }
      if (S.timer) { clearInterval(S.timer); S.timer = null; }
      if (on) S.timer = setInterval(poll, pollMs);
    };
    S.rejoin = () => { S.next = -1; };
    return S;
  }
  // A toggle button showing the sound's state ("♪ Sound off" / "♪ Sound on": ♪ is in every font, unlike emoji).
  function bindSoundButton(btn, sound, bound) {
    const paint = () => { btn.setAttribute("aria-pressed", sound.on ? "true" : "false");
                          btn.textContent = sound.on ? "♪ Sound on" : "♪ Sound off"; };
    if (!bound.has(btn)) {
      bound.add(btn);
      btn.addEventListener("click", (e) => { e.preventDefault(); sound.set(!sound.on); paint(); });
    }
    paint();
  }
  return {readStream, drawer, soundPlayer, bindSoundButton};
})();
