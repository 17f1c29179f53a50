#!/usr/bin/env python3
"""Decodes every vector in this directory with a decoder written from docs/protocol.md ("Delta format" and the message
layouts) alone, and checks the decoded states against the files. Python 3.8+, no packages. Usage: python3 check_vectors.py"""
import hashlib, json, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- IntegerTrig ----
def build_table():
    PI = 3.141592653589793
    F = []
    for i in range(1025):
        x = (i * (PI / 2)) / 1024
        term, s = 1.0, 1.0
        for k in range(1, 13):
            term = ((-term * x) * x) / float((2 * k - 1) * (2 * k))
            s = s + term
        F.append(round(s * 16384))  # Python's round() is half to even
    T = []
    for i in range(4096):
        q, r = divmod(i, 1024)
        T.append((F[r], -F[1024 - r], -F[r], F[1024 - r])[q])
    return T

T = build_table()
cos_of = lambda a: T[a >> 4]
sin_of = lambda a: T[((a - 16384) % 65536) >> 4]

# ---- bits ----
class Bits:
    def __init__(self, data):
        self.data, self.pos = data, 0
    def read(self, k):
        v = 0
        for j in range(k):
            if self.pos >= len(self.data) * 8:
                raise ValueError("truncated")
            v |= ((self.data[self.pos >> 3] >> (self.pos & 7)) & 1) << j
            self.pos += 1
        return v
    def signed(self, k):
        v = self.read(k)
        return v - (1 << k) if v >> (k - 1) else v
    def flag(self):
        return self.read(1) == 1
    def gamma(self):
        n = 0
        while not self.flag():
            n += 1
            if n > 31:
                raise ValueError("malformed gamma")
        return (1 << n) | self.read(n)
    def count(self):
        return self.gamma() - 1

def tdiv(a, b):  # truncating toward zero
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q

def s16(v):
    v %= 65536
    return v - 65536 if v >= 32768 else v

def predict_hull(b, tr, n):
    return b["hull"] if n == 0 or n > 64 else (b["hull"] + tdiv((b["turnRate"] + tr) * n, 2)) % 65536

def predict_pos(b, hull, sp, n):
    if n == 0 or n > 64 or (b["speed"] == 0 and sp == 0):
        return b["x"], b["y"]
    h = (b["hull"] + tdiv(s16(hull - b["hull"]) * (n + 1), 2 * n)) % 65536
    D = (b["speed"] + sp) * n
    clamp = lambda v: min(max(v, 0), 1048575)
    return clamp(b["x"] + (D * cos_of(h) + 163840) // 327680), clamp(b["y"] + (D * sin_of(h) + 163840) // 327680)

def tiered(r, base, widths, absbits, signed_abs):
    t = r.read(2)
    if t < 3:
        return base + r.signed(widths[t])
    return r.signed(absbits) if signed_abs else r.read(absbits)

EMPTY = {"tick": 0, "ticksLeft": 0, "capture0": 0, "capture1": 0, "winner": 0, "endReason": 0, "tanks": [], "shells": []}

def decode(data, tick, base):
    b = base or EMPTY
    n = 0 if base is None else (tick - b["tick"]) % 2**32
    r = Bits(data)
    out = {"tick": tick}
    out["ticksLeft"] = r.read(16) if r.flag() else max(0, b["ticksLeft"] - n)
    out["capture0"] = r.read(7) if r.flag() else b["capture0"]
    out["capture1"] = r.read(7) if r.flag() else b["capture1"]
    if r.flag():
        out["winner"], out["endReason"] = r.read(8), r.read(3)
    else:
        out["winner"], out["endReason"] = b["winner"], b["endReason"]
    tanks = []
    if not r.flag():
        for _ in range(r.count()):
            t = dict(id=r.read(16), team=r.read(8), classId=r.read(8), x=r.read(20), y=r.read(20), hull=r.read(16),
                     turret=r.read(16), hp=r.read(16), alive=r.flag(), reload=r.read(8), speed=r.signed(16), turnRate=r.signed(16))
            tanks.append(t)
    else:
        assert b["tanks"], "same roster with an empty baseline"
        for bt in b["tanks"]:
            t = dict(bt)
            t["reload"] = max(0, bt["reload"] - n)
            if not r.flag():
                t["hull"] = predict_hull(bt, bt["turnRate"], n)
                t["x"], t["y"] = predict_pos(bt, t["hull"], bt["speed"], n)
                tanks.append(t)
                continue
            flags = [False, True, False, True, True, False] if r.flag() else [r.flag() for _ in range(6)]
            turn, hull, speed, moved, turret, misc = flags
            t["turnRate"] = s16(tiered(r, bt["turnRate"], (4, 8, 12), 16, True)) if turn else bt["turnRate"]
            ph = predict_hull(bt, t["turnRate"], n)
            t["hull"] = tiered(r, ph, (3, 7, 11), 16, False) % 65536 if hull else ph
            t["speed"] = s16(tiered(r, bt["speed"], (5, 8, 11), 16, True)) if speed else bt["speed"]
            t["x"], t["y"] = predict_pos(bt, t["hull"], t["speed"], n)
            if moved:
                tier = r.read(2)
                if tier == 3:
                    t["x"], t["y"] = r.read(20), r.read(20)
                else:
                    w = (4, 7, 11)[tier]
                    t["x"] += r.signed(w)
                    t["y"] += r.signed(w)
            if turret:
                t["turret"] = tiered(r, bt["turret"], (7, 10, 12), 16, False) % 65536
            if misc:
                t["alive"] = r.flag()
                if r.flag(): t["hp"] = r.read(16)
                if r.flag(): t["reload"] = r.read(8)
                if r.flag(): t["team"], t["classId"] = r.read(8), r.read(8)
            tanks.append(t)
    out["tanks"] = tanks
    old = b["shells"]
    removed, prev = set(), -1
    for _ in range(r.count()):
        prev += r.gamma()
        removed.add(prev)
    shells = [s for i, s in enumerate(old) if i not in removed]
    prev_id = old[-1]["id"] if old else 0
    for _ in range(r.count()):
        sid = prev_id + r.gamma() if r.flag() else r.read(32)
        prev_id = sid
        s = dict(id=sid, owner=r.gamma() - 1, x=r.read(20), y=r.read(20), angle=r.read(16), speed=r.read(16))
        s["spawnTick"] = (tick - (r.gamma() - 1)) % 2**32 if r.flag() else r.read(32)
        shells.append(s)
    out["shells"] = sorted(shells, key=lambda s: s["id"])
    assert len(data) * 8 - r.pos < 8, "8 or more bits left over"
    return out

# ---- game messages (docs/protocol.md, "Messages"): byte 0 type, byte 1 version 2, little-endian ----
EVENT_SIZES = {1: 19, 2: 19, 3: 5, 4: 3, 5: 16}

def read_message(b):
    """One game message as a dict, per the doc's layouts; raises ValueError on anything the doc calls invalid."""
    if len(b) < 2 or len(b) > 1200 or b[1] != 2:
        raise ValueError("length or version")
    t = b[0]
    if t == 0x87:  # BattleDefinition part: hash 8 bytes, part u8, data 1..1189
        part = b[10]
        return {"type": "BattleDefinition", "hash": struct.unpack_from("<Q", b, 2)[0], "index": part >> 4,
                "count": (part & 15) + 1, "data": b[11:]}
    if t == 0x82:  # BattleStart
        L = b[18]
        m = {"type": "BattleStart", "battleId": b[2:18], "map": b[19:19 + L].decode("utf-8"), "tickRate": b[19 + L],
             "yourTank": struct.unpack_from("<H", b, 20 + L)[0], "team": b[22 + L],
             "hash": struct.unpack_from("<Q", b, 23 + L)[0], "players": []}
        n = b[31 + L]
        if len(b) != 32 + L + 12 * n:
            raise ValueError("BattleStart length")
        for i in range(n):
            tank, team, cls, user = struct.unpack_from("<HBBq", b, 32 + L + 12 * i)
            m["players"].append((tank, team, cls, user))
        return m
    if t == 0x83:  # Snapshot part: tick u32, baseline age u8, part u8, input ack u32, data
        tick, age, part, ack = struct.unpack_from("<IBBI", b, 2)
        return {"type": "Snapshot", "tick": tick, "age": age, "index": part >> 4, "count": (part & 15) + 1,
                "inputAck": ack, "data": b[12:]}
    if t == 0x84:  # BattleEvents: tick u32, count u8, events
        tick, n = struct.unpack_from("<IB", b, 2)
        p, events = 7, []
        for _ in range(n):
            k = b[p]
            size = EVENT_SIZES.get(k)
            if size is None or p + size > len(b):
                raise ValueError("event kind or length")
            e = b[p:p + size]
            if k == 1:
                sh, sid, x, y, ang, sp = struct.unpack_from("<HIiiHH", e, 1)
                ev = {"kind": "shot", "shooter": sh, "shell": sid, "x": x, "y": y, "angle": ang, "speed": sp}
            elif k == 2:
                sid, tg, dmg, sh, x, y = struct.unpack_from("<IHHHii", e, 1)
                ev = {"kind": "hit", "shell": sid, "target": tg, "damage": dmg, "shooter": sh, "x": x, "y": y}
            elif k == 3:
                tg, killer = struct.unpack_from("<HH", e, 1)
                ev = {"kind": "destroyed", "target": tg, "killer": killer}
            elif k == 4:
                ev = {"kind": "capture", "team": e[1], "progress": e[2]}
            else:
                sid, sh, x, y, reason = struct.unpack_from("<IHiiB", e, 1)
                if reason not in (1, 2, 3):
                    raise ValueError("stop reason")
                ev = {"kind": "stopped", "shell": sid, "shooter": sh, "x": x, "y": y, "reason": reason}
            if "x" in ev and not (0 <= ev["x"] <= 1048575 and 0 <= ev["y"] <= 1048575):
                raise ValueError("event position")
            events.append(ev)
            p += size
        if p != len(b):
            raise ValueError("BattleEvents length")
        return {"type": "BattleEvents", "tick": tick, "events": events}
    raise ValueError("type %02x" % t)

def check_wire(duel_states):
    """duel-wire.json as a client reads it: definition (hash = first 8 bytes of SHA-256 of the body, little-endian),
    start naming that hash, snapshots decoded against the client's own states (the same battle as
    duel-first-seconds.json, so the same states), events of every kind parsed."""
    failures = 0
    wire = json.load(open(os.path.join(HERE, "duel-wire.json")))
    parts, definitions, states, kinds = {}, {}, {}, {}
    for m in wire["messages"]:
        msg = read_message(bytes.fromhex(m["hex"]))
        kinds[msg["type"]] = kinds.get(msg["type"], 0) + 1
        if msg["type"] == "BattleDefinition":
            parts.setdefault(msg["hash"], {})[msg["index"]] = msg["data"]
            if len(parts[msg["hash"]]) == msg["count"]:
                body = b"".join(parts[msg["hash"]][i] for i in range(msg["count"]))
                if struct.unpack_from("<Q", hashlib.sha256(body).digest())[0] != msg["hash"]:
                    print("wire: definition hash is not SHA-256 of its body"); failures += 1
                definitions[msg["hash"]] = body
        elif msg["type"] == "BattleStart":
            if msg["hash"] not in definitions or msg["map"] != wire["map"] or len(msg["players"]) != 2:
                print("wire: BattleStart without its definition or roster"); failures += 1
        elif msg["type"] == "Snapshot":
            if msg["count"] != 1 or msg["inputAck"] != msg["tick"]:
                print("wire: snapshot", msg["tick"], "parts or input ack"); failures += 1
            base = None if msg["age"] == 0 else states[msg["tick"] - msg["age"]]
            states[msg["tick"]] = decode(msg["data"], msg["tick"], base)
            if msg["tick"] in duel_states and not same(states[msg["tick"]], duel_states[msg["tick"]]):
                print("wire: snapshot", msg["tick"], "decodes to another state than duel-first-seconds.json"); failures += 1
        elif msg["type"] == "BattleEvents":
            for e in msg["events"]:
                kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    if len(states) != len(duel_states) or not all(kinds.get(k) for k in ("shot", "hit", "stopped")):
        print("wire: ticks or event kinds missing", kinds); failures += 1
    return failures, len(wire["messages"])

def same(a, b):
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

def main():
    failures = 0
    trig = json.load(open(os.path.join(HERE, "integer-trig.json")))
    sha = hashlib.sha256(struct.pack("<4096i", *T)).hexdigest()
    if T != trig["table"] or sha != trig["tableSha256"]:
        print("integer-trig: the table built here differs"); failures += 1
    for a, cs in trig["angleChecks"].items():
        if [cos_of(int(a)), sin_of(int(a))] != cs:
            print("integer-trig: angle", a); failures += 1
    cases = json.load(open(os.path.join(HERE, "delta-cases.json")))["cases"]
    for c in cases:
        for hexdata, base, what in ((c["delta"], c.get("baseline"), "delta"), (c["full"], None, "full")):
            got = decode(bytes.fromhex(hexdata), c["current"]["tick"], base)
            if not same(got, c["current"]):
                print("case", c["name"], what, "decodes differently"); failures += 1
    duel = json.load(open(os.path.join(HERE, "duel-first-seconds.json")))["ticks"]
    prev = None
    duel_states = {}
    for t in duel:
        hexdata = t.get("full") if prev is None else t["delta"]
        got = decode(bytes.fromhex(hexdata), t["state"]["tick"], prev)
        if not same(got, t["state"]):
            print("duel tick", t["state"]["tick"], "decodes differently"); failures += 1
        prev = t["state"]
        duel_states[t["state"]["tick"]] = t["state"]
    wire_failures, wire_messages = check_wire(duel_states)
    failures += wire_failures
    print(f"{len(cases)} cases, {len(duel)} duel ticks, {wire_messages} wire messages, table sha256 {sha[:16]}…: {failures} failures")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
