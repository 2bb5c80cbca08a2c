// Tests for herald-client.js against a fake WebSocket and fake timers: node --test channels/websocket/client/
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const { HeraldClient } = require("./herald-client.js");

// replies(message, socket) answers a request (undefined: no answer). A Herald that knows "ref" echoes it; echoRef: false
// plays one that predates it and answers in order.
function harness(replies, { echoRef = true, token } = {}) {
  const sockets = [];
  const timers = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.readyState = 0;
      sockets.push(this);
    }
    send(text) {
      const message = JSON.parse(text);
      this.sent.push(message);
      const reply = replies(message, this);
      if (reply !== undefined) {
        const answer = echoRef && message.ref !== undefined ? { ...reply, ref: message.ref } : reply;
        queueMicrotask(() => this.onmessage({ data: JSON.stringify(answer) }));
      }
    }
    close() {
      this.readyState = 3;
      queueMicrotask(() => this.onclose({}));
    }
    open() {
      this.readyState = 1;
      this.onopen();
    }
    push(frame) {
      this.onmessage({ data: JSON.stringify(frame) });
    }
  }
  const storage = new Map();
  const received = [];
  const counts = [];
  const changes = [];
  const preferences = [];
  const client = new HeraldClient({
    url: "ws://127.0.0.1:8787/ws",
    token: token || (() => Promise.resolve("tok en")),
    WebSocket: FakeSocket,
    storage: { getItem: k => (storage.has(k) ? storage.get(k) : null), setItem: (k, v) => storage.set(k, v), removeItem: k => storage.delete(k) },
    onNotification: item => received.push(item),
    onCounts: c => counts.push(c),
    onChanged: c => changes.push(c),
    onPreferences: p => preferences.push(p),
    random: () => 1,
    setTimeout: (f, ms) => { timers.push({ f, ms }); return timers.length; },
    clearTimeout: () => {},
  });
  return { client, sockets, timers, storage, received, counts, changes, preferences };
}

const settle = () => new Promise(resolve => setImmediate(resolve));
const item = id => ({ id, type: "booking.created", title: "t", body: "b", data: {}, createdAt: "2026-11-23T00:00:00Z", state: "unseen" });
const bare = message => { const { ref, ...rest } = message; return rest; };
const emptySync = m => (m.action === "sync" ? { action: "sync", items: [], cursor: null, more: false } : undefined);
const jwt = claims => "h." + Buffer.from(JSON.stringify(claims)).toString("base64url") + ".s";

async function opened(replies, options) {
  const h = harness(replies, options);
  h.client.start();
  await settle();
  h.sockets.at(-1).open();
  await settle();
  return h;
}

test("connects with the token, syncs after open, and stores the cursor", async () => {
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [item("n1/booking.created")], cursor: "c1", more: false } : undefined));
  h.client.start();
  await settle();
  assert.strictEqual(h.sockets[0].url, "ws://127.0.0.1:8787/ws?token=tok%20en");
  h.sockets[0].open();
  await settle();
  assert.deepStrictEqual(bare(h.sockets[0].sent[0]), { action: "sync", since: null });
  assert.deepStrictEqual(h.received.map(i => i.id), ["n1/booking.created"]);
  assert.strictEqual(h.storage.get("herald.cursor"), "c1");
});

test("onNotification_tellsLiveItemsFromCaughtUpOnes", async () => {
  const sources = [];
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [item("old/t")], cursor: "c1", more: false } : undefined));
  h.client.onNotification = (i, source) => sources.push(i.id + ":" + source);
  h.client.start();
  await settle();
  h.sockets[0].open();
  await settle();

  h.sockets[0].push(item("new/t"));

  assert.deepStrictEqual(sources, ["old/t:sync", "new/t:live"]);
});

test("pages while more is true", async () => {
  const pages = { null: { items: [item("a/t")], cursor: "c1", more: true }, c1: { items: [item("b/t")], cursor: "c2", more: false } };
  const h = await opened(m => (m.action === "sync" ? { action: "sync", ...pages[String(m.since)] } : undefined));
  assert.deepStrictEqual(h.received.map(i => i.id), ["a/t", "b/t"]);
  assert.strictEqual(h.storage.get("herald.cursor"), "c2");
});

test("drops repeats by id across live frames and syncs", async () => {
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [item("a/t")], cursor: "c1", more: false } : undefined));
  h.client.start();
  await settle();
  h.sockets[0].push(item("a/t"));
  h.sockets[0].open();
  await settle();
  h.sockets[0].push(item("a/t"));
  assert.strictEqual(h.received.length, 1);
});

test("reconnects with growing backoff and syncs from the stored cursor", async () => {
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [], cursor: "c9", more: false } : undefined));
  h.storage.set("herald.cursor", "c5");
  h.client.start();
  await settle();
  h.sockets[0].close();
  await settle();
  assert.strictEqual(h.timers.at(-1).ms, 500);
  h.timers.at(-1).f();
  await settle();
  h.sockets[1].close();
  await settle();
  assert.strictEqual(h.timers.at(-1).ms, 1000);
  h.timers.at(-1).f();
  await settle();
  h.sockets[2].open();
  await settle();
  assert.deepStrictEqual(bare(h.sockets[2].sent[0]), { action: "sync", since: "c5" });
  assert.strictEqual(h.storage.get("herald.cursor"), "c9");
});

test("read resolves with the reply and rejects with Herald's error", async () => {
  const h = await opened(m => {
    if (m.action === "sync") return { action: "sync", items: [], cursor: null, more: false };
    if (m.action === "read" && m.id === "a/t") return { action: "read", id: "a/t", status: "READ" };
    return { error: "you have no inbox item with id '" + m.id + "'" };
  });
  assert.deepStrictEqual(bare(await h.client.read("a/t")), { action: "read", id: "a/t", status: "READ" });
  await assert.rejects(h.client.read("x/t"), /no inbox item/);
  assert.strictEqual(h.storage.has("herald.cursor"), false);
});

test("stop closes and does not reconnect", async () => {
  const h = harness(() => undefined);
  h.client.start();
  await settle();
  const before = h.timers.length;
  h.client.stop();
  await settle();
  assert.strictEqual(h.timers.length, before);
});

test("request_whenRepliesComeBackOutOfOrder_matchesEachByRef", async () => {
  // given: Herald holds the list reply and answers counts first
  let held;
  const h = await opened((m, socket) => {
    if (m.action === "list") { held = () => socket.push({ action: "list", items: [], cursor: null, more: false, ref: m.ref }); return undefined; }
    if (m.action === "counts") return { action: "counts", counts: { unread: 3, unseen: 1 } };
    return emptySync(m);
  });

  // when
  const list = h.client.list("unread");
  const counts = await h.client.counts();
  held();

  // then
  assert.deepStrictEqual(counts, { unread: 3, unseen: 1 });
  assert.deepStrictEqual(bare(await list), { action: "list", items: [], cursor: null, more: false });
  const refs = h.sockets[0].sent.map(m => m.ref);
  assert.strictEqual(new Set(refs).size, refs.length, "every request carries its own ref");
  assert.ok(refs.every(r => typeof r === "string" && r.length <= 64));
});

test("request_whenHeraldPredatesRef_matchesRepliesInOrder", async () => {
  const h = await opened(m => {
    if (m.action === "counts") return { action: "counts", counts: { unread: 1, unseen: 1 } };
    if (m.action === "ping") return { action: "pong" };
    return emptySync(m);
  }, { echoRef: false });

  const [counts, pong] = await Promise.all([h.client.counts(), h.client.request({ action: "ping" })]);

  assert.deepStrictEqual(counts, { unread: 1, unseen: 1 });
  assert.deepStrictEqual(pong, { action: "pong" });
});

test("request_whenNoReplyWithin10s_rejectsAndIgnoresTheLateReply", async () => {
  // given
  let late;
  const h = await opened((m, socket) => {
    if (m.action === "counts") { late = () => socket.push({ action: "counts", counts: { unread: 9, unseen: 9 }, ref: m.ref }); return undefined; }
    return emptySync(m);
  });
  const counts = h.client.counts();
  const timeout = h.timers.at(-1);

  // when
  timeout.f();

  // then
  assert.strictEqual(timeout.ms, 10000);
  await assert.rejects(counts, /did not answer 'counts' within 10 s/);
  assert.strictEqual(h.client.pending.length, 0);
  late();
  assert.strictEqual(h.client.pending.length, 0);
});

test("request_whenHeraldAnswersAnError_rejectsWithItsTextAndStatus", async () => {
  const h = await opened(m => (m.action === "preferences.set" ? { error: "category 'security' is locked", status: 409 } : emptySync(m)));

  const error = await h.client.setPreferences({ categories: { security: { email: false } } }).catch(e => e);

  assert.strictEqual(error.message, "category 'security' is locked");
  assert.strictEqual(error.status, 409);
  assert.deepStrictEqual(bare(h.sockets[0].sent.at(-1)),
    { action: "preferences.set", preferences: { categories: { security: { email: false } } } });
});

test("reply401_theConnectionIsNoLongerRegistered_closesItSoAFreshTokenReconnects", async () => {
  const h = await opened(m => (m.action === "counts" ? { error: "this connection is not registered", status: 401 } : emptySync(m)));

  const error = await h.client.counts().catch(e => e);
  await new Promise(resolve => setImmediate(resolve));

  assert.strictEqual(error.status, 401);
  assert.strictEqual(h.sockets[0].readyState, 3);
  assert.ok(h.timers.length > 0, "a reconnect is scheduled");
});

test("request_whenTheConnectionCloses_rejectsWhatWaits", async () => {
  const h = await opened(m => (m.action === "counts" ? undefined : emptySync(m)));
  const counts = h.client.counts();

  h.sockets[0].close();

  await assert.rejects(counts, /connection closed/);
  await assert.rejects(h.client.counts(), /not connected/);
});

test("convenienceMethods_sendTheContractsMessages", async () => {
  // given
  const counts = { unread: 0, unseen: 0 };
  const prefs = { recipientId: "u", digest: "daily", categories: [] };
  const h = await opened(m => {
    if (m.action === "sync") return emptySync(m);
    if (m.action === "list") return { action: "list", filter: m.filter, items: [], cursor: null, more: false, counts };
    if (m.action.startsWith("preferences.")) return { action: m.action, preferences: prefs };
    return { action: m.action, ids: m.ids || [m.id], state: "read", counts, unknown: [] };
  });

  // when
  await h.client.list();
  await h.client.list("archived", "c1", 5);
  await h.client.seen(["a/t", "b/t"]);
  await h.client.read(["a/t"]);
  await h.client.unread(["a/t"]);
  await h.client.archive("a/t");
  await h.client.unarchive(["a/t"]);
  const got = await h.client.preferences();
  const set = await h.client.setPreferences({ digest: "daily" });

  // then
  assert.deepStrictEqual(h.sockets[0].sent.slice(1).map(bare), [
    { action: "list", filter: "all", cursor: null, limit: 20 },
    { action: "list", filter: "archived", cursor: "c1", limit: 5 },
    { action: "seen", ids: ["a/t", "b/t"] },
    { action: "read", ids: ["a/t"] },
    { action: "unread", ids: ["a/t"] },
    { action: "archive", id: "a/t" },
    { action: "unarchive", ids: ["a/t"] },
    { action: "preferences.get" },
    { action: "preferences.set", preferences: { digest: "daily" } },
  ]);
  assert.deepStrictEqual(got, prefs);
  assert.deepStrictEqual(set, prefs);
});

test("readAll_whenHeraldSaysMore_asksAgainUntilDone", async () => {
  let calls = 0;
  const h = await opened(m => {
    if (m.action !== "read-all") return emptySync(m);
    calls++;
    return { action: "read-all", updated: calls < 3 ? 500 : 7, more: calls < 3, counts: { unread: calls < 3 ? 1 : 0, unseen: 0 } };
  });

  const result = await h.client.readAll();

  assert.strictEqual(calls, 3);
  assert.deepStrictEqual(result, { updated: 1007, counts: { unread: 0, unseen: 0 } });
});

test("pushedFrames_areToldApart_itemsEventsAndReplies", async () => {
  // given
  const h = await opened(emptySync);
  const prefs = { recipientId: "u", categories: [] };

  // when
  h.sockets[0].push(item("a/t"));
  h.sockets[0].push({ event: "counts", counts: { unread: 1, unseen: 1 } });
  h.sockets[0].push({ event: "changed", ids: ["a/t"], state: "read", counts: { unread: 0, unseen: 0 } });
  h.sockets[0].push({ event: "changed", all: true, state: "read", counts: { unread: 0, unseen: 0 } });
  h.sockets[0].push({ event: "preferences", preferences: prefs });
  h.sockets[0].push({ event: "something-newer" });

  // then
  assert.deepStrictEqual(h.received.map(i => i.id), ["a/t"]);
  assert.deepStrictEqual(h.counts, [{ unread: 1, unseen: 1 }, { unread: 0, unseen: 0 }, { unread: 0, unseen: 0 }]);
  assert.deepStrictEqual(h.changes.map(c => c.ids || "all"), [["a/t"], "all"]);
  assert.deepStrictEqual(h.preferences, [prefs]);
  assert.deepStrictEqual(h.client.lastCounts, { unread: 0, unseen: 0 });
});

test("repliesCarryingCounts_tellOnCounts", async () => {
  const h = await opened(m => (m.action === "read" ? { action: "read", ids: ["a/t"], state: "read", counts: { unread: 4, unseen: 2 } } : emptySync(m)));

  await h.client.read(["a/t"]);

  assert.deepStrictEqual(h.counts, [{ unread: 4, unseen: 2 }]);
});

test("reconnect_asksForAFreshToken_andARotatedTokenKeepsTheUsersCursor", async () => {
  // given: each connect gets a new token for the same user
  let issued = 0;
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [], cursor: m.since === null ? "c1" : "c2", more: false } : undefined),
    { token: () => Promise.resolve(jwt({ sub: "user-42", n: ++issued })) });
  h.client.start();
  await settle();
  h.sockets[0].open();
  await settle();

  // when
  h.sockets[0].close();
  await settle();
  h.timers.at(-1).f();
  await settle();
  h.sockets[1].open();
  await settle();

  // then
  assert.strictEqual(issued, 2);
  assert.notStrictEqual(h.sockets[0].url, h.sockets[1].url);
  assert.deepStrictEqual(bare(h.sockets[1].sent[0]), { action: "sync", since: "c1" });
  assert.strictEqual(h.storage.get("herald.cursor.user-42"), "c2");
});

test("anotherUser_inTheSameBrowser_syncsFromTheirOwnCursor", async () => {
  let user = "alice";
  const h = harness(m => (m.action === "sync" ? { action: "sync", items: [item(user + "/t")], cursor: user + "-c", more: false } : undefined),
    { token: () => Promise.resolve(jwt({ sub: user })) });
  h.client.start();
  await settle();
  h.sockets[0].open();
  await settle();

  user = "bob";
  h.sockets[0].close();
  await settle();
  h.timers.at(-1).f();
  await settle();
  h.sockets[1].open();
  await settle();

  assert.deepStrictEqual(bare(h.sockets[1].sent[0]), { action: "sync", since: null });
  assert.strictEqual(h.storage.get("herald.cursor.alice"), "alice-c");
  assert.strictEqual(h.storage.get("herald.cursor.bob"), "bob-c");
});
