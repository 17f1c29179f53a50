// The live battle viewer: lists the cluster's live battles and draws one from the silo's SSE stream of world states and
// the battle's own events (Silo/Viewer/ViewerJson.cs describes the frame), on the map of the battle's definition. Plain script, no build step, nothing fetched from elsewhere.
(() => {
  'use strict';

  const TEAM = ['#4a9dff', '#ff5a47'];
  const TEAM_FILL = ['rgba(74,157,255,0.16)', 'rgba(255,90,71,0.16)'];
  const TEAM_NAME = ['blue', 'red'];
  const REASON = { 1: 'destroyed', 2: 'captured', 3: 'time', 4: 'aborted' };
  const STOP = { obstacle: 'on an obstacle', edge: 'at the map edge', range: 'out of range' };
  const MARK_TICKS = 16; // impact markers fade over 0.8 s of a 20 Hz battle
  const FLASH_TICKS = 4;
  const ANGLE = Math.PI * 2 / 65536;
  const FEED_MAX = 200;

  const $ = id => document.getElementById(id);
  // Absolute, without the user:password@ a page address may carry (fetch refuses URLs with credentials; the browser
  // sends the page's Basic credentials with these same-origin requests anyway).
  const BASE = location.origin + location.pathname.replace(/[^/]*$/, '');
  const url = path => BASE + path;
  const canvas = $('battle');
  const ctx = canvas.getContext('2d');
  let list = [];
  let view = null; // the battle shown: { id, team, info, map, es, prev, cur, shots, marks, ghosts, capture, names, classes }
  let teamChoice = 'all'; // the view chosen: 'all', '0' or '1' (a team's view: what its players get)

  // ---- the list ---------------------------------------------------------------------------------------------------

  async function refreshList() {
    try {
      const r = await fetch(url('api/battles'), { cache: 'no-store' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const body = await r.json();
      list = body.battles;
      renderList();
      $('list-status').textContent = `${list.length} live battle${list.length === 1 ? '' : 's'}${body.truncated ? ' (list cut)' : ''} · ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      $('list-status').textContent = 'battle list unavailable: ' + e.message;
    } finally {
      setTimeout(refreshList, 2000);
    }
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  function playersHtml(players) {
    return players.map(p => `<span class="team${p.team}">${esc(p.name)} <span class="muted">${esc(p.class)}</span></span>`).join(', ');
  }

  function renderList() {
    const rows = $('battle-rows');
    if (list.length === 0) {
      rows.innerHTML = '<tr><td colspan="6" class="muted">no live battles</td></tr>';
      return;
    }
    rows.innerHTML = list.map(b => `<tr data-battle-id="${b.id}" class="${view && view.id === b.id ? 'selected' : ''}">
      <td><code>${b.id.slice(0, 8)}</code></td><td>${esc(b.map)}</td><td class="players">${playersHtml(b.players)}</td>
      <td>${b.tick ?? '?'}</td><td>${esc(b.silo ?? '?')}</td><td>${b.epoch ?? '?'}</td></tr>`).join('');
    for (const tr of rows.querySelectorAll('tr[data-battle-id]')) {
      tr.addEventListener('click', () => { location.hash = tr.dataset.battleId; });
    }
  }

  // ---- one battle -------------------------------------------------------------------------------------------------

  function setStatus(state, text) {
    $('status').dataset.state = state;
    $('status').textContent = text;
    canvas.dataset.state = state;
  }

  function closeView() {
    if (view && view.es) view.es.close();
    view = null;
    $('view').hidden = true;
    canvas.dataset.battleId = '';
    setStatus('idle', 'idle');
  }

  async function openView(id) {
    closeView();
    const v = { id, team: teamChoice, info: null, map: null, es: null, prev: null, cur: null, shots: new Map(), marks: [], ghosts: new Map(), capture: [0, 0], started: false, overNoted: false, names: {}, classes: [], events: 0 };
    view = v;
    $('view').hidden = false;
    $('feed').innerHTML = '';
    canvas.dataset.battleId = id;
    canvas.dataset.frames = '0';
    canvas.dataset.events = '0';
    canvas.dataset.effects = '0';
    canvas.dataset.marks = '0';
    canvas.dataset.view = v.team;
    canvas.dataset.tankCount = '';
    canvas.dataset.hiddenTanks = '0';
    canvas.dataset.ghosts = '0';
    setStatus('connecting', 'connecting…');
    renderList();
    let r;
    try {
      r = await fetch(url('api/battles/' + id), { cache: 'no-store' });
    } catch (e) {
      setStatus('error', 'battle unavailable: ' + e.message);
      return;
    }
    if (view !== v) return;
    if (!r.ok) {
      setStatus(r.status === 404 ? 'unknown' : 'error', r.status === 404 ? 'no such battle' : 'HTTP ' + r.status);
      return;
    }
    v.info = await r.json();
    v.map = v.info.map;
    v.classes = v.info.classes;
    for (const p of v.info.players) v.names[p.tankId] = p;
    $('view-title').textContent = `battle ${id.slice(0, 8)} · ${v.info.mapId} · silo ${v.info.silo ?? '?'}`;
    canvas.dataset.definitionHash = v.info.definitionHash ?? '';
    if (!v.map) {
      setStatus('over', 'the battle has no definition (over)');
      return;
    }
    connect(v);
  }

  function connect(v) {
    const es = new EventSource(url(`api/battles/${v.id}/stream?team=${v.team}`));
    v.es = es;
    es.addEventListener('frame', e => { if (view === v) onFrame(v, JSON.parse(e.data)); });
    es.addEventListener('end', e => { if (view === v) onEnd(v, JSON.parse(e.data)); });
    es.onerror = () => {
      if (view !== v || canvas.dataset.state === 'ended') return;
      // EventSource retries by itself on a dropped stream; a refusal (404: over, 503: viewer limits) closes it.
      setStatus(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting',
        es.readyState === EventSource.CLOSED ? 'stream closed (battle over, or viewer limit reached)' : 'reconnecting…');
    };
  }

  function toFrame(f) {
    const tanks = new Map();
    for (const k of f.k) {
      tanks.set(k[0], { id: k[0], team: k[1], cls: k[2], x: k[3] / 100, y: k[4] / 100, hull: k[5] * ANGLE, turret: k[6] * ANGLE, hp: k[7], alive: k[8] === 1, reload: k[9], seen: k[10] ?? 3 });
    }
    const shells = new Map();
    for (const s of f.s) {
      shells.set(s[0], { id: s[0], owner: s[1], x: s[2] / 100, y: s[3] / 100, angle: s[4] * ANGLE, speed: s[5] / 10, spawn: s[6] });
    }
    return { t: f.t, epoch: f.e, left: f.l, capture: f.c, winner: f.w, reason: f.r, tanks, shells, at: performance.now() };
  }

  function onFrame(v, raw) {
    const f = toFrame(raw);
    if (v.cur && f.epoch !== v.cur.epoch) {
      note(v, f.t, `battle resumed from its checkpoint (epoch ${f.epoch})`);
      v.prev = null;
      v.cur = null;
      v.shots.clear();
      v.marks = [];
    }
    if (!v.started) {
      v.started = true;
      v.capture = [...f.capture]; // capture lines tell what changes from here
      note(v, f.t, `watching: ${[...f.tanks.values()].filter(t => t.alive).length}/${f.tanks.size} tanks alive`);
    }
    if (raw.vd) note(v, f.t, `<span class="muted">${raw.vd} events not shown (the stream fell behind)</span>`);
    for (const e of raw.v) onEvent(v, e);
    v.events += raw.v.length;
    canvas.dataset.events = String(v.events);
    if (v.cur && !v.cur.reason && f.reason) {
      v.overNoted = true;
      note(v, f.t, `battle over: ${f.winner < 0 ? 'draw' : TEAM_NAME[f.winner] + ' team wins'} (${REASON[f.reason] ?? f.reason})`);
    }
    if (v.team !== 'all') {
      // "Last seen here": an enemy that left the team's view stays as a ghost where the team saw it last (its lost
      // event's position, else the last state that had it) until the team sees it again.
      const own = Number(v.team);
      if (v.cur) {
        for (const t of v.cur.tanks.values()) {
          if (t.team !== own && !f.tanks.has(t.id) && !v.ghosts.has(t.id)) v.ghosts.set(t.id, { x: t.x, y: t.y, t: v.cur.t });
        }
      }
      for (const id of f.tanks.keys()) v.ghosts.delete(id);
      canvas.dataset.ghosts = String(v.ghosts.size);
    }
    v.prev = v.cur && v.cur.epoch === f.epoch ? v.cur : null;
    v.cur = f;
    let alive = 0;
    for (const t of f.tanks.values()) if (t.alive) alive++;
    canvas.dataset.tick = String(f.t);
    canvas.dataset.epoch = String(f.epoch);
    canvas.dataset.tankCount = String(f.tanks.size);
    canvas.dataset.tanksAlive = String(alive);
    canvas.dataset.shellCount = String(f.shells.size);
    // The whole battle's view: tanks the other team does not see now (spotting), drawn dimmed.
    canvas.dataset.hiddenTanks = String(v.team === 'all' ? [...f.tanks.values()].filter(t => !seenByFoe(t)).length : 0);
    canvas.dataset.frames = String(Number(canvas.dataset.frames) + 1);
    if (canvas.dataset.state !== 'ended') {
      setStatus(f.reason ? 'over' : 'live', `live · tick ${f.t} · ${alive}/${f.tanks.size} tanks alive`);
    }
    renderPanel(v, f);
    draw(performance.now());
  }

  function onEnd(v, end) {
    const who = end.winner < 0 ? 'draw' : `${TEAM_NAME[end.winner]} team wins`;
    const tick = v.cur ? v.cur.t : end.ticks;
    if (!v.overNoted) note(v, tick, `battle over: ${who} (${esc(end.reason)})`);
    const byUser = {};
    for (const p of v.info.players) byUser[p.userId] = p;
    for (const p of end.players) {
      const who = byUser[p.userId];
      note(v, tick, `result: ${who ? name(v, who.tankId) : 'player ' + p.userId} ${p.kills} kill${p.kills === 1 ? '' : 's'}, `
        + `${p.damageDealt} damage dealt, ${p.hits}/${p.shots} hits${p.survived ? '' : ', destroyed'}`);
    }
    setStatus('ended', `ended · ${who} (${end.reason}) after ${end.ticks} ticks`);
    v.es.close();
  }

  function seenByFoe(t) {
    return (t.seen & (1 << (1 - t.team))) !== 0;
  }

  function name(v, tankId) {
    const p = v.names[tankId];
    return p ? `<span class="team${p.team}">${esc(p.name)}</span>` : `tank ${tankId}`;
  }

  // The battle's own events (the BattleEvents messages, docs/protocol.md "BattleEvents"), in the order they happened:
  // the feed's lines, the shells' launch records (drawn from them, also those that hit within their first tick and so
  // are in no snapshot), muzzle flashes at launch, fading markers where a shell hit or stopped.
  function onEvent(v, e) {
    const team = t => `<span class="team${t}">${TEAM_NAME[t]}</span>`;
    switch (e.k) {
      case 'shot':
        v.shots.set(e.shell, { owner: e.shooter, x: e.x / 100, y: e.y / 100, angle: e.angle * ANGLE, speed: e.speed / 10, t: e.t, end: null });
        v.marks.push({ kind: 'flash', x: e.x / 100, y: e.y / 100, angle: e.angle * ANGLE, t: e.t - 1 });
        note(v, e.t, `${name(v, e.shooter)} fires`);
        break;
      case 'hit':
        endShell(v, e);
        v.marks.push({ kind: 'hit', x: e.x / 100, y: e.y / 100, t: e.t });
        note(v, e.t, `${name(v, e.shooter)} hits ${name(v, e.target)} for ${e.damage}`);
        break;
      case 'stopped':
        endShell(v, e);
        v.marks.push({ kind: 'stop', x: e.x / 100, y: e.y / 100, t: e.t });
        note(v, e.t, `<span class="muted">shell of</span> ${name(v, e.shooter)} <span class="muted">stopped ${STOP[e.reason] ?? e.reason}</span>`);
        break;
      case 'destroyed':
        note(v, e.t, `${name(v, e.target)} destroyed by ${name(v, e.killer)}`);
        break;
      case 'spotted':
        if (v.team === String(e.team)) v.ghosts.delete(e.tank);
        note(v, e.t, `${team(e.team)} spots ${name(v, e.tank)}${e.spotter >= 0 && v.team !== String(1 - e.team) ? ` <span class="muted">(by</span> ${name(v, e.spotter)}<span class="muted">)</span>` : ''}`);
        break;
      case 'lost':
        if (v.team === String(e.team)) v.ghosts.set(e.tank, { x: e.x / 100, y: e.y / 100, t: e.t });
        note(v, e.t, `${team(e.team)} lost sight of ${name(v, e.tank)}`);
        break;
      case 'capture': {
        const was = v.capture[e.team], now = e.progress;
        v.capture[e.team] = now;
        if (was === 0 && now > 0) note(v, e.t, `${team(e.team)} starts capturing the base`);
        else if (now === 0 && was > 0) note(v, e.t, `${team(e.team)} capture reset`);
        else if (Math.floor(now / 25) > Math.floor(was / 25)) note(v, e.t, `${team(e.team)} capture ${now}%`);
        break;
      }
    }
  }

  function endShell(v, e) {
    const s = v.shots.get(e.shell);
    if (s) s.end = { t: e.t, x: e.x / 100, y: e.y / 100 };
  }

  function note(v, tick, html) {
    const li = document.createElement('li');
    li.innerHTML = `<span class="muted">${tick}</span> ${html}`;
    const feed = $('feed');
    feed.prepend(li);
    while (feed.childElementCount > FEED_MAX) feed.lastElementChild.remove();
  }

  function clock(ticks, rate) {
    const s = Math.max(0, Math.floor(ticks / rate));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  function renderPanel(v, f) {
    const rate = v.info.tickRate;
    $('clock').textContent = `tick ${f.t} · ${clock(f.left, rate)} left`;
    $('capture').innerHTML = [0, 1].map(t =>
      `<div><span class="team${t}">${TEAM_NAME[t]} capture</span> <span class="bar"><span style="width:${f.capture[t]}%;background:${TEAM[t]}"></span></span> ${f.capture[t]}%</div>`).join('');
    const rows = [...f.tanks.values()].sort((x, y) => x.team - y.team || x.id - y.id).map(t => {
      const max = (v.classes[t.cls] || { hitPoints: 1 }).hitPoints;
      const p = v.names[t.id];
      return `<div class="${t.alive ? '' : 'dead'}"><span class="team${t.team}">${esc(p ? p.name : 'tank ' + t.id)}</span>
        <span class="muted">${esc(p ? p.class : '')}</span><span class="bar"><span style="width:${Math.round(100 * t.hp / max)}%;background:${TEAM[t.team]}"></span></span> ${t.hp}</div>`;
    });
    $('roster').innerHTML = '<h3>tanks</h3>' + rows.join('');
  }

  // ---- drawing ----------------------------------------------------------------------------------------------------

  // A snapshot's shell: its record is its position at its spawn tick.
  function shellAt(s, tick, rate) {
    const d = s.speed * Math.max(0, tick - s.spawn) / rate;
    return { x: s.x + Math.cos(s.angle) * d, y: s.y + Math.sin(s.angle) * d };
  }

  // A shot's launch record: the muzzle at the start of tick T (= the end of T - 1); flown distance so far, capped at its end.
  function shotFlown(s, tick, rate) {
    let d = s.speed * Math.max(0, tick - (s.t - 1)) / rate;
    if (s.end) d = Math.min(d, Math.hypot(s.end.x - s.x, s.end.y - s.y));
    return d;
  }

  function lerpAngle(a, b, t) {
    let d = b - a;
    while (d > Math.PI) d -= 2 * Math.PI;
    while (d < -Math.PI) d += 2 * Math.PI;
    return a + d * t;
  }

  function draw(now) {
    const v = view;
    if (!v || !v.map) return;
    const map = v.map;
    const W = canvas.width, H = canvas.height, pad = 10;
    const sc = Math.min((W - 2 * pad) / map.width, (H - 2 * pad) / map.height);
    const ox = (W - map.width * sc) / 2, oy = (H - map.height * sc) / 2;
    // World: metres, y up, angles counter-clockwise; the canvas: pixels, y down.
    const X = x => ox + x * sc, Y = y => oy + (map.height - y) * sc;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#1b2118';
    ctx.fillRect(0, 0, W, H);
    ctx.fillStyle = '#2a3326';
    ctx.fillRect(X(0), Y(map.height), map.width * sc, map.height * sc);
    ctx.strokeStyle = 'rgba(255,255,255,0.05)';
    ctx.lineWidth = 1;
    const grid = map.width > 200 ? 50 : 10;
    ctx.beginPath();
    for (let g = grid; g < map.width; g += grid) { ctx.moveTo(X(g), Y(0)); ctx.lineTo(X(g), Y(map.height)); }
    for (let g = grid; g < map.height; g += grid) { ctx.moveTo(X(0), Y(g)); ctx.lineTo(X(map.width), Y(g)); }
    ctx.stroke();
    ctx.strokeStyle = '#6b7a5e';
    ctx.lineWidth = 2;
    ctx.strokeRect(X(0), Y(map.height), map.width * sc, map.height * sc);

    map.spawns.forEach((s, team) => {
      ctx.fillStyle = TEAM_FILL[team] || 'rgba(255,255,255,0.1)';
      ctx.strokeStyle = TEAM[team] || '#fff';
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      ctx.fillRect(X(s.x - s.halfWidth), Y(s.y + s.halfHeight), 2 * s.halfWidth * sc, 2 * s.halfHeight * sc);
      ctx.strokeRect(X(s.x - s.halfWidth), Y(s.y + s.halfHeight), 2 * s.halfWidth * sc, 2 * s.halfHeight * sc);
      ctx.setLineDash([]);
    });

    const f = v.cur;
    const base = map.base;
    ctx.fillStyle = 'rgba(255,230,120,0.10)';
    ctx.strokeStyle = '#d9c46a';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(X(base.x), Y(base.y), base.radius * sc, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    if (f) {
      for (let team = 0; team < 2; team++) {
        if (!f.capture[team]) continue;
        ctx.strokeStyle = TEAM[team];
        ctx.lineWidth = 4;
        ctx.beginPath();
        const r = base.radius * sc + 4 + team * 6;
        ctx.arc(X(base.x), Y(base.y), r, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * f.capture[team] / 100);
        ctx.stroke();
      }
    }

    ctx.fillStyle = '#59605a';
    ctx.strokeStyle = '#7b847c';
    ctx.lineWidth = 1;
    for (const o of map.obstacles) {
      ctx.save();
      ctx.translate(X(o.x), Y(o.y));
      ctx.beginPath();
      if (o.shape === 'circle') {
        ctx.arc(0, 0, o.radius * sc, 0, 2 * Math.PI);
      } else {
        ctx.rotate(-(o.angleDegrees || 0) * Math.PI / 180);
        ctx.rect(-o.halfWidth * sc, -o.halfHeight * sc, 2 * o.halfWidth * sc, 2 * o.halfHeight * sc);
      }
      ctx.fill();
      ctx.stroke();
      ctx.restore();
    }

    if (!f) return;
    const rate = v.info.tickRate;
    // Drawn a little in the past, between the two newest frames, so tanks move smoothly at any frame rate.
    const step = v.prev ? Math.max(1, f.t - v.prev.t) : 1;
    const renderTick = f.t - step + Math.min(step, (now - f.at) / 1000 * rate);
    const a = v.prev, mix = a ? Math.min(1, Math.max(0, (renderTick - a.t) / (f.t - a.t))) : 1;

    for (const t of f.tanks.values()) {
      const o = a && a.tanks.get(t.id);
      const x = o ? o.x + (t.x - o.x) * mix : t.x, y = o ? o.y + (t.y - o.y) * mix : t.y;
      const hull = o ? lerpAngle(o.hull, t.hull, mix) : t.hull, turret = o ? lerpAngle(o.turret, t.turret, mix) : t.turret;
      const cls = v.classes[t.cls] || { radius: 2.8, hitPoints: 1 };
      const r = Math.max(5, cls.radius * sc);
      const colour = t.alive ? TEAM[t.team] : '#6d6d6d';
      const hidden = v.team === 'all' && t.alive && !seenByFoe(t);
      ctx.globalAlpha = hidden ? 0.4 : 1; // unseen by the other team: the whole tank dimmed
      ctx.save();
      ctx.translate(X(x), Y(y));
      ctx.rotate(-hull);
      ctx.fillStyle = colour;
      ctx.strokeStyle = '#0c0f12';
      ctx.lineWidth = 1.5;
      ctx.fillRect(-r, -r * 0.7, 2 * r, 1.4 * r);
      ctx.strokeRect(-r, -r * 0.7, 2 * r, 1.4 * r);
      ctx.fillStyle = 'rgba(0,0,0,0.35)';
      ctx.fillRect(r * 0.55, -r * 0.7, r * 0.45, 1.4 * r); // the front
      ctx.restore();
      ctx.save();
      ctx.translate(X(x), Y(y));
      ctx.rotate(-turret);
      ctx.strokeStyle = t.alive ? '#e8edf2' : '#4a4a4a';
      ctx.lineWidth = Math.max(2, r * 0.25);
      ctx.beginPath();
      ctx.moveTo(0, 0);
      ctx.lineTo(r * 1.7, 0);
      ctx.stroke();
      ctx.fillStyle = t.alive ? '#dfe6ee' : '#555';
      ctx.beginPath();
      ctx.arc(0, 0, r * 0.45, 0, 2 * Math.PI);
      ctx.fill();
      ctx.restore();
      if (!t.alive) {
        ctx.strokeStyle = '#111';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(X(x) - r, Y(y) - r); ctx.lineTo(X(x) + r, Y(y) + r);
        ctx.moveTo(X(x) + r, Y(y) - r); ctx.lineTo(X(x) - r, Y(y) + r);
        ctx.stroke();
      }
      const bw = 2.4 * r, frac = Math.max(0, Math.min(1, t.hp / cls.hitPoints));
      ctx.fillStyle = '#222';
      ctx.fillRect(X(x) - bw / 2, Y(y) - r - 9, bw, 4);
      ctx.fillStyle = frac > 0.5 ? '#5ad15a' : frac > 0.25 ? '#e0c040' : '#e05040';
      ctx.fillRect(X(x) - bw / 2, Y(y) - r - 9, bw * frac, 4);
      const p = v.names[t.id];
      ctx.fillStyle = '#e8edf2';
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(p ? p.name : 'tank ' + t.id, X(x), Y(y) + r + 13);
      ctx.globalAlpha = 1;
      if (v.team === 'all' && t.alive && !hidden) {
        // An eye of the other team's colour: that team sees this tank now.
        ctx.strokeStyle = TEAM[1 - t.team];
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.ellipse(X(x) + r + 7, Y(y) - r - 3, 4.5, 2.5, 0, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.fillStyle = TEAM[1 - t.team];
        ctx.beginPath();
        ctx.arc(X(x) + r + 7, Y(y) - r - 3, 1.3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }

    // Ghosts (a team's view): where the team last saw an enemy that left its view.
    for (const [id, g] of v.ghosts) {
      const p = v.names[id];
      ctx.strokeStyle = 'rgba(230,230,230,0.6)';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.arc(X(g.x), Y(g.y), Math.max(6, 2.6 * sc), 0, 2 * Math.PI);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = 'rgba(230,230,230,0.7)';
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(`${p ? p.name : 'tank ' + id} (last seen)`, X(g.x), Y(g.y) + Math.max(6, 2.6 * sc) + 13);
    }

    // Shells: the head and a 6 m streak behind it (never behind the muzzle): they cross a duel map in half a second.
    // Those whose shot the stream carried fly from their launch record to where they hit or stopped; others (fired before
    // this page watched) from the snapshot.
    let effects = 0, marks = 0;
    ctx.strokeStyle = '#ffe27a';
    ctx.fillStyle = '#fff6c8';
    ctx.lineWidth = 2;
    const streak = (x, y, angle, back) => {
      ctx.beginPath();
      ctx.moveTo(X(x - Math.cos(angle) * back), Y(y - Math.sin(angle) * back));
      ctx.lineTo(X(x), Y(y));
      ctx.stroke();
      ctx.beginPath();
      ctx.arc(X(x), Y(y), 2.5, 0, 2 * Math.PI);
      ctx.fill();
      effects++;
    };
    for (const [id, s] of v.shots) {
      if (s.end && renderTick > s.end.t + 1) { v.shots.delete(id); continue; }
      if (!s.end && renderTick > s.t + 10 * rate) { v.shots.delete(id); continue; } // its end was lost with a dropped frame
      if (renderTick < s.t - 1 || (s.end && renderTick > s.end.t)) continue;
      const d = shotFlown(s, renderTick, rate);
      streak(s.x + Math.cos(s.angle) * d, s.y + Math.sin(s.angle) * d, s.angle, Math.min(6, d));
    }
    for (const s of f.shells.values()) {
      if (v.shots.has(s.id)) continue;
      const at = Math.max(renderTick, s.spawn);
      const p = shellAt(s, at, rate);
      streak(p.x, p.y, s.angle, Math.min(6, s.speed * (at - s.spawn) / rate));
    }

    // Muzzle flashes at launch, impact markers where shells hit (a burst) or stopped (a ring), fading.
    v.marks = v.marks.filter(m => renderTick - m.t < MARK_TICKS);
    for (const m of v.marks) {
      const age = renderTick - m.t;
      if (age < 0) continue; // its tick is not drawn yet
      if (m.kind === 'flash') {
        if (age > FLASH_TICKS) continue;
        const k = 1 - age / FLASH_TICKS;
        ctx.fillStyle = `rgba(255,220,120,${0.9 * k})`;
        ctx.beginPath();
        ctx.arc(X(m.x + Math.cos(m.angle) * 0.8), Y(m.y + Math.sin(m.angle) * 0.8), 3 + 5 * k, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        const k = 1 - age / MARK_TICKS;
        ctx.strokeStyle = m.kind === 'hit' ? `rgba(255,110,60,${k})` : `rgba(220,220,220,${0.8 * k})`;
        ctx.lineWidth = m.kind === 'hit' ? 3 : 2;
        ctx.beginPath();
        ctx.arc(X(m.x), Y(m.y), (m.kind === 'hit' ? 7 : 5) + 12 * (1 - k), 0, 2 * Math.PI);
        ctx.stroke();
        marks++;
        if (m.kind === 'hit') {
          ctx.fillStyle = `rgba(255,210,90,${k})`;
          ctx.beginPath();
          ctx.arc(X(m.x), Y(m.y), 5 * k + 1, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      effects++;
    }
    canvas.dataset.effects = String(effects); // shells, flashes and markers drawn
    canvas.dataset.marks = String(marks); // impact markers (hits, stops) drawn

    ctx.fillStyle = 'rgba(0,0,0,0.55)';
    ctx.fillRect(8, 8, 250, 22);
    ctx.fillStyle = '#e8edf2';
    ctx.font = '13px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(`tick ${f.t}  ·  ${clock(f.left, rate)} left  ·  ${f.capture[0]}% / ${f.capture[1]}%`, 14, 24);
  }

  function animate(now) {
    draw(now);
    requestAnimationFrame(animate);
  }

  function route() {
    const id = location.hash.replace(/^#/, '');
    if (!id) closeView();
    else if (!view || view.id !== id) openView(id);
  }

  $('close').addEventListener('click', () => { location.hash = ''; });
  $('team').addEventListener('change', () => {
    teamChoice = $('team').value;
    if (view) openView(view.id); // a new stream of the chosen view
  });
  window.addEventListener('hashchange', route);
  refreshList();
  route();
  requestAnimationFrame(animate);
})();
