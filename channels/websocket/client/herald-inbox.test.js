// Tests for the logic of <herald-inbox> that needs no browser: node --test channels/websocket/client/
// (the element itself is tested in a real browser by herald local's InboxComponentTest)
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const inbox = require("./herald-inbox.js");

const item = (id, state, createdAt) => ({ id, state, createdAt: createdAt || "2026-12-01T10:00:00Z", title: id, body: "b" });
const ids = items => items.map(i => i.id + ":" + i.state);

test("localeOf_whenAttributeOrBrowserIsSupported_usesIt_elseEnglish", () => {
  assert.strictEqual(inbox.localeOf("ar", "fr-FR"), "ar");
  assert.strictEqual(inbox.localeOf(null, "fr-CA"), "fr");
  assert.strictEqual(inbox.localeOf("de", "es-ES"), "en");
  assert.strictEqual(inbox.localeOf("FR_be", undefined), "fr");
});

test("badgeText_whenZero_isEmpty_andAbove99_is99Plus", () => {
  assert.strictEqual(inbox.badgeText(0, "en"), "");
  assert.strictEqual(inbox.badgeText(7, "en"), "7");
  assert.strictEqual(inbox.badgeText(99, "en"), "99");
  assert.strictEqual(inbox.badgeText(100, "en"), "99+");
});

test("relativeTime_speaksTheLocale", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  assert.strictEqual(inbox.relativeTime("2026-12-01T11:59:50Z", now, "en"), "now");
  assert.strictEqual(inbox.relativeTime("2026-12-01T11:55:00Z", now, "en"), "5 minutes ago");
  assert.strictEqual(inbox.relativeTime("2026-12-01T11:55:00Z", now, "fr"), "il y a 5 minutes");
  assert.strictEqual(inbox.relativeTime("2026-11-30T12:00:00Z", now, "en"), "yesterday");
  assert.match(inbox.relativeTime("2026-11-28T12:00:00Z", now, "ar"), /أيام/);
  assert.strictEqual(inbox.relativeTime("not a time", now, "en"), "");
});

test("applyChange_whenItemsAreRead_updatesTheirStateInPlace", () => {
  const items = [item("a", "unseen"), item("b", "seen")];

  const result = inbox.applyChange("unread", items, { ids: ["a"], state: "read" });

  assert.deepStrictEqual(ids(result.items), ["a:read", "b:seen"]);
  assert.strictEqual(result.reload, false);
});

test("applyChange_whenArchived_leavesAllAndUnread_andReloadsArchived", () => {
  const items = [item("a", "read"), item("b", "seen")];

  assert.deepStrictEqual(ids(inbox.applyChange("all", items, { ids: ["a"], state: "archived" }).items), ["b:seen"]);
  assert.deepStrictEqual(inbox.applyChange("archived", [], { ids: ["a"], state: "archived" }), { items: [], reload: true });
});

test("applyChange_whenUnarchivedElsewhere_leavesArchived_andReloadsAll", () => {
  const archived = [item("a", "archived"), item("b", "archived")];

  assert.deepStrictEqual(ids(inbox.applyChange("archived", archived, { ids: ["a"], state: "read" }).items), ["b:archived"]);
  assert.strictEqual(inbox.applyChange("all", [item("c", "read")], { ids: ["a"], state: "read" }).reload, true);
  assert.strictEqual(inbox.applyChange("unread", [], { ids: ["a"], state: "read" }).reload, false);
});

test("applyChange_whenStatesDiffer_appliesEachIdsOwnState", () => {
  // after unarchive, one item had been read and the other not: Herald leaves "state" out and gives "states"
  const items = [item("x", "seen")];
  const change = { ids: ["a", "b", "x"], states: { a: "read", b: "seen", x: "read" } };

  const all = inbox.applyChange("all", items, change);
  const archived = inbox.applyChange("archived", [item("a", "archived"), item("b", "archived"), item("c", "archived")], change);

  assert.deepStrictEqual(ids(all.items), ["x:read"]);
  assert.strictEqual(all.reload, true);
  assert.deepStrictEqual(ids(archived.items), ["c:archived"]);
  assert.strictEqual(archived.reload, false);
});

test("applyChange_whenAllRead_marksEveryUnreadItemRead_butNotArchivedOnes", () => {
  const items = [item("a", "unseen"), item("b", "seen"), item("c", "read")];

  assert.deepStrictEqual(ids(inbox.applyChange("all", items, { all: true, state: "read" }).items), ["a:read", "b:read", "c:read"]);
  const archived = [item("d", "archived")];
  assert.strictEqual(inbox.applyChange("archived", archived, { all: true, state: "read" }).items, archived);
});

test("insertItem_putsANewItemNewestFirst_once_andNotInArchived", () => {
  const items = [item("b", "seen", "2026-12-01T10:00:00Z"), item("a", "read", "2026-12-01T09:00:00Z")];
  const live = item("c", "unseen", "2026-12-01T11:00:00Z");
  const older = item("z", "unseen", "2026-12-01T09:30:00Z");

  assert.deepStrictEqual(ids(inbox.insertItem("all", items, live)), ["c:unseen", "b:seen", "a:read"]);
  assert.deepStrictEqual(ids(inbox.insertItem("unread", items, older)), ["b:seen", "z:unseen", "a:read"]);
  assert.strictEqual(inbox.insertItem("all", items, items[0]), items);
  assert.strictEqual(inbox.insertItem("archived", items, live), items);
});

const prefs = {
  recipientId: "user-42", locale: null, timeZone: "Europe/Paris", quietHours: { start: "22:00", end: "07:00" }, digest: "default",
  categories: [
    { id: "bookings", critical: false, locked: false, channels: { websocket: true, push: true, email: false } },
    { id: "security", critical: true, locked: true, channels: { websocket: true, email: true } },
  ],
};
const form = over => Object.assign({ locale: "", timeZone: "Europe/Paris", quietStart: "22:00", quietEnd: "07:00", digest: "default",
  channels: { bookings: { websocket: true, push: true, email: false } } }, over);

test("preferencesChange_whenNothingChanged_isEmpty", () => {
  assert.deepStrictEqual(inbox.preferencesChange(prefs, form({})), { change: {} });
});

test("preferencesChange_sendsOnlyWhatChanged", () => {
  const result = inbox.preferencesChange(prefs, form({
    locale: "fr", digest: "daily", quietStart: "23:00", channels: { bookings: { websocket: true, push: false, email: true } },
  }));

  assert.deepStrictEqual(result.change, {
    locale: "fr", digest: "daily", quietHours: { start: "23:00", end: "07:00" }, categories: { bookings: { push: false, email: true } },
  });
});

test("preferencesChange_whenQuietHoursCleared_sendsNull_andHalfSetIsAnError", () => {
  assert.deepStrictEqual(inbox.preferencesChange(prefs, form({ quietStart: "", quietEnd: "" })).change, { quietHours: null });
  assert.deepStrictEqual(inbox.preferencesChange(prefs, form({ quietEnd: "" })), { error: "quietBoth" });
  assert.deepStrictEqual(inbox.preferencesChange(prefs, form({ timeZone: "" })).change, { timeZone: null });
});

test("preferencesChange_neverTouchesALockedCategory", () => {
  const result = inbox.preferencesChange(prefs, form({ channels: { security: { email: false } } }));

  assert.deepStrictEqual(result.change, {});
});

test("channelsOf_ordersHeraldsChannelsFirst", () => {
  assert.deepStrictEqual(inbox.channelsOf([{ channels: { email: true, slack: true } }, { channels: { websocket: true, push: false } }]),
    ["websocket", "push", "email", "slack"]);
});

test("tokenFromBody_readsJsonOrText", () => {
  assert.strictEqual(inbox.tokenFromBody('{"token":"a.b.c","expiresInSeconds":900}'), "a.b.c");
  assert.strictEqual(inbox.tokenFromBody('{"access_token":"x.y.z"}'), "x.y.z");
  assert.strictEqual(inbox.tokenFromBody('"q.r.s"'), "q.r.s");
  assert.strictEqual(inbox.tokenFromBody("t.u.v\n"), "t.u.v");
  assert.throws(() => inbox.tokenFromBody('{"nope":1}'), /without a token/);
});

test("strings_everyLocaleHasEveryKey", () => {
  const keys = Object.keys(inbox.STRINGS.en).sort();
  for (const locale of ["fr", "ar"]) {
    assert.deepStrictEqual(Object.keys(inbox.STRINGS[locale]).sort(), keys, locale);
    assert.deepStrictEqual(Object.keys(inbox.STRINGS[locale].channels).sort(), Object.keys(inbox.STRINGS.en.channels).sort());
  }
});
