// herald-inbox.js: <herald-inbox>, Herald's drop-in notification inbox. Plain JavaScript, shadow DOM, no dependencies,
// no build step. One script tag is enough: it loads herald-client.js from its own directory when HeraldClient is missing.
//
//   <script src="https://cdn.example.com/herald/herald-inbox.js"></script>
//   <herald-inbox url="wss://ws.example.com/prod" token-url="/api/herald-token" theme="auto"></herald-inbox>
//
// Attributes: url, token-url (+ token-method, POST by default), locale (en | fr | ar), theme (light | dark | auto).
// Property: tokenProvider, an async function returning a token (instead of token-url).
// Events: herald-notification {item, source}, herald-counts {unread, unseen}, herald-status {status},
// herald-item-click {item} (cancelable), herald-error {error}.
// Styling: the CSS custom properties --herald-* below, and ::part() on the parts named in the markup.
// The documentation is in channels/websocket/README.md, "Drop-in inbox".
(function (root, factory) {
  // document.currentScript only exists while this script first runs: remember where herald-client.js sits now
  const script = typeof document !== "undefined"
    ? (document.currentScript || document.querySelector('script[src*="herald-inbox"]')) : null;
  const api = factory(root);
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  }
  if (typeof customElements !== "undefined" && !customElements.get("herald-inbox")) {
    api.define(script && script.src ? script.src : (typeof location !== "undefined" ? location.href : ""));
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (root) {
  "use strict";

  const LOCALES = ["en", "fr", "ar"];
  const RTL = ["ar"];
  const FILTERS = ["unread", "all", "archived"];
  const CHANNEL_ORDER = ["websocket", "push", "email", "sms"];
  const PAGE = 20;
  const MAX_IDS = 100;

  // Each locale's strings. Counts are put where no plural agreement is needed, so one form serves every number.
  const STRINGS = {
    en: {
      notifications: "Notifications",
      bell: n => (n ? "Notifications, " + n + " unread" : "Notifications, none unread"),
      unread: "Unread", all: "All", archived: "Archived", filters: "Show",
      markAllRead: "Mark all as read",
      markRead: "Mark as read", markUnread: "Mark as unread", archive: "Archive", unarchive: "Move back to inbox",
      emptyUnread: "You're all caught up.", emptyAll: "No notifications yet.", emptyArchived: "Nothing archived.",
      loading: "Loading…", offline: "Offline, reconnecting…", error: "Something went wrong: ",
      settings: "Notification settings", back: "Back to notifications",
      category: "Category", channels: { websocket: "In-app", push: "Push", email: "Email", sms: "SMS" },
      locked: "Required: these notifications can't be turned off.",
      quietHours: "Quiet hours", quietStart: "From", quietEnd: "Until", clear: "Clear",
      quietHelp: "Non-urgent notifications wait until quiet hours end.", quietBoth: "Set both times, or clear both.",
      timeZone: "Time zone", language: "Language", byDefault: "Default",
      digest: "Digest", digests: { default: "As each notification type says", hourly: "Hourly summary", daily: "Daily summary" },
      save: "Save", saving: "Saving…", saved: "Saved.",
      newItem: title => "New notification: " + title, newItems: n => n + " new notifications",
    },
    fr: {
      notifications: "Notifications",
      bell: n => (n ? "Notifications, non lues : " + n : "Notifications, aucune non lue"),
      unread: "Non lues", all: "Toutes", archived: "Archivées", filters: "Afficher",
      markAllRead: "Tout marquer comme lu",
      markRead: "Marquer comme lu", markUnread: "Marquer comme non lu", archive: "Archiver",
      unarchive: "Remettre dans la boîte de réception",
      emptyUnread: "Vous êtes à jour.", emptyAll: "Aucune notification pour l'instant.", emptyArchived: "Aucune notification archivée.",
      loading: "Chargement…", offline: "Hors ligne, reconnexion…", error: "Une erreur est survenue : ",
      settings: "Paramètres des notifications", back: "Retour aux notifications",
      category: "Catégorie", channels: { websocket: "Dans l'appli", push: "Push", email: "E-mail", sms: "SMS" },
      locked: "Obligatoire : ces notifications ne peuvent pas être désactivées.",
      quietHours: "Heures calmes", quietStart: "De", quietEnd: "À", clear: "Effacer",
      quietHelp: "Les notifications non urgentes attendent la fin des heures calmes.",
      quietBoth: "Indiquez les deux heures, ou effacez les deux.",
      timeZone: "Fuseau horaire", language: "Langue", byDefault: "Par défaut",
      digest: "Résumé",
      digests: { default: "Selon chaque type de notification", hourly: "Résumé toutes les heures", daily: "Résumé quotidien" },
      save: "Enregistrer", saving: "Enregistrement…", saved: "Enregistré.",
      newItem: title => "Nouvelle notification : " + title, newItems: n => "Nouvelles notifications : " + n,
    },
    ar: {
      notifications: "الإشعارات",
      bell: n => (n ? "الإشعارات، غير المقروءة: " + n : "الإشعارات، لا يوجد غير مقروء"),
      unread: "غير المقروءة", all: "الكل", archived: "المؤرشفة", filters: "عرض",
      markAllRead: "تعليم الكل كمقروء",
      markRead: "تعليم كمقروء", markUnread: "تعليم كغير مقروء", archive: "أرشفة", unarchive: "إعادة إلى صندوق الوارد",
      emptyUnread: "لا توجد إشعارات غير مقروءة.", emptyAll: "لا توجد إشعارات بعد.", emptyArchived: "لا توجد إشعارات مؤرشفة.",
      loading: "جارٍ التحميل…", offline: "غير متصل، جارٍ إعادة الاتصال…", error: "حدث خطأ: ",
      settings: "إعدادات الإشعارات", back: "العودة إلى الإشعارات",
      category: "الفئة",
      channels: { websocket: "داخل التطبيق", push: "إشعارات الجهاز", email: "البريد الإلكتروني", sms: "الرسائل القصيرة" },
      locked: "إلزامية: لا يمكن إيقاف هذه الإشعارات.",
      quietHours: "ساعات الهدوء", quietStart: "من", quietEnd: "إلى", clear: "مسح",
      quietHelp: "تنتظر الإشعارات غير العاجلة حتى تنتهي ساعات الهدوء.", quietBoth: "حدّد الوقتين معًا، أو امسحهما معًا.",
      timeZone: "المنطقة الزمنية", language: "اللغة", byDefault: "الافتراضي",
      digest: "الملخص", digests: { default: "حسب نوع كل إشعار", hourly: "ملخص كل ساعة", daily: "ملخص يومي" },
      save: "حفظ", saving: "جارٍ الحفظ…", saved: "تم الحفظ.",
      newItem: title => "إشعار جديد: " + title, newItems: n => "إشعارات جديدة: " + n,
    },
  };

  // ---- Pure helpers (tested with node --test) ----

  /** en | fr | ar from an attribute or a BCP 47 tag such as "fr-CA"; anything else falls back to en. */
  function localeOf(attribute, navigatorLanguage) {
    for (const tag of [attribute, navigatorLanguage]) {
      const base = typeof tag === "string" ? tag.trim().toLowerCase().split(/[-_]/)[0] : "";
      if (LOCALES.includes(base)) {
        return base;
      }
    }
    return "en";
  }

  function badgeText(count, locale) {
    if (!count || count < 0) {
      return "";
    }
    const format = n => new Intl.NumberFormat(locale).format(n);
    return count > 99 ? format(99) + "+" : format(count);
  }

  /** "5 minutes ago" in the locale, for an ISO time, relative to now (ms). */
  function relativeTime(iso, now, locale) {
    const then = Date.parse(iso);
    if (isNaN(then)) {
      return "";
    }
    const seconds = Math.round((then - now) / 1000);
    const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
    const steps = [["second", 60], ["minute", 60], ["hour", 24], ["day", 7], ["week", 4.35], ["month", 12], ["year", Infinity]];
    let value = seconds;
    for (const [unit, size] of steps) {
      if (unit === "second" && Math.abs(value) < 45) {
        return format.format(0, "second");
      }
      if (Math.abs(value) < size) {
        return format.format(Math.round(value), unit);
      }
      value /= size;
    }
    return "";
  }

  function isUnread(state) {
    return state === "unseen" || state === "seen";
  }

  /** Whether an item in this state stays in a view that already shows it (a read item stays in Unread until reload). */
  function keeps(filter, state) {
    return filter === "archived" ? state === "archived" : state !== "archived";
  }

  /** Whether a view that does not show an item in this state should: then it reloads. */
  function wants(filter, state) {
    return filter === "archived" ? state === "archived" : filter === "unread" ? isUnread(state) : state !== "archived";
  }

  /**
   * Applies a change, as Herald's "changed" event says it ({ids, state, states} or {all: true, state: "read"}), to a
   * view's items. "states" gives each id's state (after unarchive they can differ, and "state" is then left out).
   * Returns the new items and whether the view should reload, because an item it does not show now belongs in it.
   */
  function applyChange(filter, items, change) {
    if (change.all) {
      if (filter === "archived") {
        return { items, reload: false };
      }
      return { items: items.map(i => (isUnread(i.state) ? Object.assign({}, i, { state: change.state || "read" }) : i)), reload: false };
    }
    const ids = change.ids || (change.id ? [change.id] : []);
    const stateOf = id => (change.states && change.states[id]) || change.state;
    const changed = new Set(ids);
    const next = [];
    for (const item of items) {
      const state = changed.has(item.id) ? stateOf(item.id) : null;
      if (!state) {
        next.push(item);
      } else if (keeps(filter, state)) {
        next.push(Object.assign({}, item, { state }));
      }
    }
    const shown = new Set(items.map(i => i.id));
    const reload = ids.some(id => !shown.has(id) && stateOf(id) && wants(filter, stateOf(id)));
    return { items: next, reload };
  }

  /** Puts a new item in a view, newest first, once. */
  function insertItem(filter, items, item) {
    if (items.some(i => i.id === item.id) || !wants(filter, item.state || "unseen")) {
      return items;
    }
    const next = items.slice();
    const at = next.findIndex(i => (i.createdAt || "") < (item.createdAt || ""));
    next.splice(at < 0 ? next.length : at, 0, item);
    return next;
  }

  /**
   * The partial change (CHANGE in the contract) from the preferences Herald sent to what the form holds, or an error
   * key when the form is not valid. form: {locale, timeZone, quietStart, quietEnd, digest, channels: {category: {channel: on}}}.
   */
  function preferencesChange(prefs, form) {
    const change = {};
    if ((form.locale || null) !== (prefs.locale || null)) {
      change.locale = form.locale || null;
    }
    if ((form.timeZone || null) !== (prefs.timeZone || null)) {
      change.timeZone = form.timeZone || null;
    }
    if (!!form.quietStart !== !!form.quietEnd) {
      return { error: "quietBoth" };
    }
    const quiet = form.quietStart ? { start: form.quietStart, end: form.quietEnd } : null;
    const before = prefs.quietHours || null;
    if (JSON.stringify(quiet) !== JSON.stringify(before && { start: before.start, end: before.end })) {
      change.quietHours = quiet;
    }
    if (form.digest && form.digest !== (prefs.digest || "default")) {
      change.digest = form.digest;
    }
    for (const category of prefs.categories || []) {
      if (category.locked) {
        continue;
      }
      const wanted = (form.channels || {})[category.id] || {};
      for (const [channel, on] of Object.entries(category.channels || {})) {
        if (wanted[channel] !== undefined && wanted[channel] !== on) {
          change.categories = change.categories || {};
          change.categories[category.id] = change.categories[category.id] || {};
          change.categories[category.id][channel] = wanted[channel];
        }
      }
    }
    return { change };
  }

  /** Channels in a stable order: the ones Herald ships first, then any other, alphabetically. */
  function channelsOf(categories) {
    const all = new Set();
    (categories || []).forEach(c => Object.keys(c.channels || {}).forEach(ch => all.add(ch)));
    const known = CHANNEL_ORDER.filter(ch => all.has(ch));
    return known.concat([...all].filter(ch => !CHANNEL_ORDER.includes(ch)).sort());
  }

  /** A token from a token endpoint: JSON {"token": …} (or access_token / id_token), a JSON string, or plain text. */
  function tokenFromBody(text) {
    const trimmed = (text || "").trim();
    try {
      const json = JSON.parse(trimmed);
      if (typeof json === "string") {
        return json;
      }
      const token = json && (json.token || json.access_token || json.id_token);
      if (typeof token === "string" && token) {
        return token;
      }
    } catch (e) {
      if (trimmed) {
        return trimmed;
      }
    }
    throw new Error("the token endpoint answered without a token: send {\"token\": \"…\"} or the token as text");
  }

  const helpers = {
    STRINGS, localeOf, badgeText, relativeTime, applyChange, insertItem, preferencesChange, channelsOf, tokenFromBody,
  };

  // ---- The element ----

  const ICONS = {
    bell: '<path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>',
    settings: '<path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6"/>',
    read: '<path d="M20 6 9 17l-5-5"/>',
    unread: '<rect x="2" y="4" width="20" height="16" rx="2"/><path d="m22 7-10 5L2 7"/>',
    archive: '<rect x="2" y="3" width="20" height="5" rx="1"/><path d="M4 8v11a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8M10 12h4"/>',
    unarchive: '<path d="M3 12h5l2 3h4l2-3h5"/>'
      + '<path d="M5.5 5.1 3 12v6a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-6l-2.5-6.9A2 2 0 0 0 16.6 4H7.4a2 2 0 0 0-1.9 1.1"/>',
    lock: '<rect x="3" y="11" width="18" height="11" rx="2"/><path d="M7 11V7a5 5 0 0 1 10 0v4"/>',
    back: '<path d="m12 19-7-7 7-7M19 12H5"/>',
    empty: '<path d="M22 12h-6l-2 3h-4l-2-3H2"/>'
      + '<path d="M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z"/>',
  };
  const icon = (name, extra) => '<svg class="icon ' + (extra || "") + '" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
    + ICONS[name] + "</svg>";

  const DARK = `
    --_accent: var(--herald-accent, #7aa7ff); --_bg: var(--herald-bg, #161b26); --_fg: var(--herald-fg, #e8ebf2);
    --_muted: var(--herald-muted, #9aa3b5); --_border: var(--herald-border, #2c3444); --_unread-bg: var(--herald-unread-bg, #1d2740);
    --_badge-bg: var(--herald-badge-bg, #f0526a); --_badge-fg: var(--herald-badge-fg, #ffffff); --_shadow: 0 12px 32px rgb(0 0 0 / .5);
    color-scheme: dark;`;

  const STYLE = `
    :host { display: inline-block; position: relative; vertical-align: middle;
      --_accent: var(--herald-accent, #2f6feb); --_bg: var(--herald-bg, #ffffff); --_fg: var(--herald-fg, #1b1f27);
      --_muted: var(--herald-muted, #667085); --_border: var(--herald-border, #e4e7ec); --_unread-bg: var(--herald-unread-bg, #eef4ff);
      --_badge-bg: var(--herald-badge-bg, #d92d20); --_badge-fg: var(--herald-badge-fg, #ffffff);
      --_radius: var(--herald-radius, 12px); --_width: var(--herald-width, 380px); --_shadow: 0 12px 32px rgb(16 24 40 / .18);
      color-scheme: light; }
    :host([theme="dark"]) { ${DARK} }
    @media (prefers-color-scheme: dark) { :host([theme="auto"]) { ${DARK} } }
    [hidden] { display: none !important; }
    .root { font-family: var(--herald-font, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic", sans-serif);
      font-size: 14px; line-height: 1.45; }
    .icon { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round;
      flex: none; }
    .root[dir="rtl"] .flip { transform: scaleX(-1); }
    button { font: inherit; color: inherit; cursor: pointer; }
    button:disabled { cursor: default; opacity: .45; }
    :focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
    .bell { position: relative; display: inline-grid; place-items: center; width: 40px; height: 40px; padding: 0;
      border: 0; border-radius: 50%; background: transparent; }
    .bell:hover { background: color-mix(in srgb, currentColor 12%, transparent); }
    .bell .icon { width: 22px; height: 22px; }
    .badge { position: absolute; inset-block-start: 2px; inset-inline-end: 0; min-width: 18px; height: 18px; padding-inline: 5px;
      box-sizing: border-box; border-radius: 9px; background: var(--_badge-bg); color: var(--_badge-fg); font-size: 11px; font-weight: 700;
      line-height: 18px; text-align: center; box-shadow: 0 0 0 2px var(--_bg); }
    .panel { position: absolute; z-index: 1000; inset-block-start: calc(100% + 8px); inset-inline-end: 0;
      width: min(var(--_width), calc(100vw - 16px)); max-height: min(72vh, 600px); display: flex; flex-direction: column;
      background: var(--_bg); color: var(--_fg); border: 1px solid var(--_border); border-radius: var(--_radius);
      box-shadow: var(--_shadow); overflow: hidden; text-align: start; }
    .header { display: flex; align-items: center; gap: 8px; padding-block: 12px 8px; padding-inline: 16px 8px; }
    .header h2 { margin: 0; font-size: 16px; font-weight: 650; flex: 1; }
    .text-button { border: 0; background: none; color: var(--_accent); padding: 4px 6px; border-radius: 6px; font-size: 13px; }
    .text-button:hover:not(:disabled) { background: var(--_unread-bg); }
    .icon-button { display: inline-grid; place-items: center; width: 32px; height: 32px; padding: 0; border: 0; border-radius: 8px;
      background: none; color: var(--_muted); }
    .icon-button:hover { background: color-mix(in srgb, var(--_fg) 8%, transparent); color: var(--_fg); }
    .status { padding: 6px 16px; font-size: 12px; color: var(--_muted); background: color-mix(in srgb, var(--_fg) 5%, transparent); }
    .tabs { display: flex; gap: 4px; padding-inline: 12px; border-block-end: 1px solid var(--_border); }
    .tab { border: 0; background: none; padding: 8px 10px; color: var(--_muted); border-block-end: 2px solid transparent;
      margin-block-end: -1px; font-size: 13px; font-weight: 550; }
    .tab[aria-selected="true"] { color: var(--_accent); border-block-end-color: var(--_accent); }
    .scroll { overflow-y: auto; flex: 1; min-height: 120px; overscroll-behavior: contain; }
    .feed { display: block; }
    .item { display: flex; gap: 10px; padding: 12px 16px; border-block-end: 1px solid var(--_border); position: relative; cursor: default; }
    .item:focus-visible { outline-offset: -2px; }
    .item.unread { background: var(--_unread-bg); }
    .dot { width: 8px; height: 8px; border-radius: 50%; margin-block-start: 7px; flex: none; background: transparent; }
    .item.unread .dot { background: var(--_accent); }
    .content { flex: 1; min-width: 0; }
    .item-title { margin: 0; font-size: 14px; font-weight: 600; overflow-wrap: anywhere; }
    .item:not(.unread) .item-title { font-weight: 500; }
    .item-body { margin: 2px 0 4px; color: var(--_fg); opacity: .86; overflow-wrap: anywhere; white-space: pre-line; }
    .item-time { font-size: 12px; color: var(--_muted); }
    .actions { display: flex; gap: 2px; align-items: flex-start; opacity: .55; }
    .item:hover .actions, .item:focus-within .actions, .item:focus .actions { opacity: 1; }
    .empty, .loading { padding: 36px 16px; text-align: center; color: var(--_muted); }
    .empty .icon { width: 36px; height: 36px; stroke-width: 1.5; display: block; margin: 0 auto 8px; }
    .sentinel { height: 1px; }
    .error { padding: 8px 16px; color: #b42318; font-size: 13px; }
    :host([theme="dark"]) .error { color: #ff8a80; }
    .prefs { display: flex; flex-direction: column; overflow-y: auto; padding: 4px 16px 16px; gap: 14px; }
    .prefs fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
    .prefs legend { font-weight: 650; padding: 0; margin-block-end: 6px; }
    .prefs table { width: 100%; border-collapse: collapse; }
    .prefs th, .prefs td { padding: 6px 4px; border-block-end: 1px solid var(--_border); text-align: center; font-size: 13px; }
    .prefs th[scope="row"], .prefs thead th:first-child { text-align: start; font-weight: 550; }
    .prefs thead th { color: var(--_muted); font-weight: 500; font-size: 12px; }
    .prefs .lock { width: 14px; height: 14px; vertical-align: -2px; margin-inline-start: 4px; color: var(--_muted); }
    .prefs .note { color: var(--_muted); font-size: 12px; margin: 6px 0 0; }
    .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
    .row label { display: flex; gap: 6px; align-items: center; }
    .prefs select, .prefs input[type="time"] { font: inherit; color: var(--_fg); background: var(--_bg); border: 1px solid var(--_border);
      border-radius: 8px; padding: 5px 8px; }
    .prefs select { width: 100%; }
    .field { display: flex; flex-direction: column; gap: 4px; }
    .field > span { font-weight: 650; }
    .switch { appearance: none; width: 32px; height: 18px; border-radius: 9px; background: var(--_border); position: relative;
      margin: 0; cursor: pointer; vertical-align: middle; transition: background .15s; }
    .switch::after { content: ""; position: absolute; inset-block-start: 2px; inset-inline-start: 2px; width: 14px; height: 14px;
      border-radius: 50%; background: #fff; transition: inset-inline-start .15s; box-shadow: 0 1px 2px rgb(0 0 0 / .3); }
    .switch:checked { background: var(--_accent); }
    .switch:checked::after { inset-inline-start: 16px; }
    .switch:disabled { cursor: not-allowed; opacity: .6; }
    .prefs-actions { display: flex; gap: 10px; align-items: center; }
    .primary { border: 0; border-radius: 8px; padding: 7px 16px; background: var(--_accent); color: #fff; font-weight: 600; }
    .saved { color: var(--_muted); font-size: 13px; }
    .sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0);
      white-space: nowrap; border: 0; }
    @media (prefers-reduced-motion: reduce) { .switch, .switch::after { transition: none; } }
  `;

  const TEMPLATE = `
    <style>${STYLE}</style>
    <div part="root" class="root" data-status="closed">
      <button part="bell" class="bell" type="button" aria-haspopup="dialog" aria-expanded="false" aria-controls="panel">
        ${icon("bell")}<span part="badge" class="badge" data-count="0" aria-hidden="true" hidden></span>
      </button>
      <div part="panel" id="panel" class="panel" role="dialog" aria-labelledby="title" hidden>
        <div part="header" class="header">
          <button part="back" class="icon-button" type="button" data-act="back" hidden>${icon("back", "flip")}</button>
          <h2 part="title" id="title"></h2>
          <button part="mark-all-read" class="text-button" type="button" data-act="read-all"></button>
          <button part="settings-button" class="icon-button" type="button" data-act="settings">${icon("settings")}</button>
        </div>
        <div part="status" class="status" role="status" hidden></div>
        <div part="inbox" class="inbox-view" style="display:contents">
          <div part="tabs" class="tabs" role="tablist">
            ${FILTERS.map(f => `<button part="tab tab-${f}" class="tab" type="button" role="tab" id="tab-${f}" data-filter="${f}"
              aria-controls="tabpanel" aria-selected="false" tabindex="-1"></button>`).join("")}
          </div>
          <div part="scroll" class="scroll" id="tabpanel" role="tabpanel">
            <div part="feed" class="feed" role="feed" aria-busy="false"></div>
            <div part="loading" class="loading" hidden></div>
            <div part="empty" class="empty" hidden></div>
            <div part="sentinel" class="sentinel"></div>
          </div>
        </div>
        <form part="preferences" class="prefs" novalidate hidden></form>
        <div part="error" class="error" role="alert" hidden></div>
      </div>
      <div part="live" class="sr-only" aria-live="polite" aria-atomic="true"></div>
    </div>`;

  const escapeHtml = text => String(text === undefined || text === null ? "" : text)
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = src;
      tag.onload = () => resolve();
      tag.onerror = () => reject(new Error("<herald-inbox> could not load " + src));
      document.head.appendChild(tag);
    });
  }

  function define(scriptSrc) {
    let clientReady = null;
    const heraldClient = () => {
      if (!clientReady) {
        clientReady = typeof root.HeraldClient === "function" ? Promise.resolve()
          : loadScript(new URL("herald-client.js", scriptSrc || location.href).href);
      }
      return clientReady.then(() => root.HeraldClient);
    };

    class HeraldInbox extends HTMLElement {
      static get observedAttributes() {
        return ["url", "token-url", "locale", "theme"];
      }

      constructor() {
        super();
        this.attachShadow({ mode: "open" }).innerHTML = TEMPLATE;
        const $ = part => this.shadowRoot.querySelector('[part~="' + part + '"]');
        this.$ = {
          root: $("root"), bell: $("bell"), back: $("back"), badge: $("badge"), panel: $("panel"), title: $("title"),
          markAll: $("mark-all-read"),
          settings: $("settings-button"), status: $("status"), inbox: $("inbox"), tabs: $("tabs"), scroll: $("scroll"),
          feed: $("feed"), loading: $("loading"), empty: $("empty"), sentinel: $("sentinel"), prefs: $("preferences"),
          error: $("error"), live: $("live"),
        };
        this.client = null;
        this.generation = 0;
        this.status = "closed";
        this.countsValue = { unread: 0, unseen: 0 };
        this.filter = "all";
        this.items = [];
        this.cursor = null;
        this.more = false;
        this.loaded = false;
        this.loading = false;
        this.isOpen = false;
        this.view = "inbox";
        this.prefs = null;
        this.prefsState = "idle";
        this.pendingSeen = new Set();
        this.announced = [];
        this._tokenProvider = null;
        this._wire();
      }

      get tokenProvider() {
        return this._tokenProvider;
      }

      set tokenProvider(provider) {
        this._tokenProvider = typeof provider === "function" ? provider : null;
        if (this.isConnected) {
          this._restart();
        }
      }

      /** The latest {unread, unseen}. */
      get counts() {
        return Object.assign({}, this.countsValue);
      }

      get locale() {
        return localeOf(this.getAttribute("locale"), typeof navigator !== "undefined" ? navigator.language : "en");
      }

      connectedCallback() {
        // a page may set tokenProvider before this element was defined: take it over from the plain property
        if (Object.prototype.hasOwnProperty.call(this, "tokenProvider")) {
          const provider = this.tokenProvider;
          delete this.tokenProvider;
          this.tokenProvider = provider;
        }
        this._onDocumentPointer = event => {
          if (this.isOpen && !event.composedPath().includes(this)) {
            this.closePanel(false);
          }
        };
        document.addEventListener("pointerdown", this._onDocumentPointer);
        this._clock = setInterval(() => this._renderTimes(), 30000);
        this._observer = new IntersectionObserver(entries => {
          if (entries.some(e => e.isIntersecting)) {
            this._loadMore();
          }
        }, { root: this.$.scroll, rootMargin: "120px" });
        this._observer.observe(this.$.sentinel);
        this._renderStrings();
        this._renderBadge();
        // attributes and properties set right after the element was added are seen before connecting
        queueMicrotask(() => this._restart());
      }

      disconnectedCallback() {
        document.removeEventListener("pointerdown", this._onDocumentPointer);
        clearInterval(this._clock);
        this._observer && this._observer.disconnect();
        this._stop();
      }

      attributeChangedCallback(name, before, after) {
        if (before === after) {
          return;
        }
        if (name === "locale") {
          this._renderStrings();
          this._renderBadge();
          this._renderItems();
          if (this.view === "preferences") {
            this._renderPreferences();
          }
        } else if (name === "url" || name === "token-url") {
          if (this.isConnected) {
            this._restart();
          }
        }
      }

      openPanel(fromKeyboard = true) {
        if (this.isOpen) {
          return;
        }
        this.isOpen = true;
        this.$.panel.hidden = false;
        this.$.bell.setAttribute("aria-expanded", "true");
        this._showView("inbox");
        this.shadowRoot.getElementById("tab-" + this.filter).focus({ focusVisible: fromKeyboard });
        if (!this.loaded) {
          this._load(this.filter);
        } else {
          this._markVisibleSeen();
        }
      }

      closePanel(returnFocus = true) {
        if (!this.isOpen) {
          return;
        }
        this.isOpen = false;
        this.$.panel.hidden = true;
        this.$.bell.setAttribute("aria-expanded", "false");
        if (returnFocus) {
          this.$.bell.focus();
        }
      }

      // ---- connection ----

      _stop() {
        this.generation++;
        if (this.client) {
          this.client.stop();
          this.client = null;
        }
      }

      async _restart() {
        this._stop();
        const url = this.getAttribute("url");
        const tokenUrl = this.getAttribute("token-url");
        if (!url || (!this._tokenProvider && !tokenUrl)) {
          return;
        }
        const generation = this.generation;
        let HeraldClient;
        try {
          HeraldClient = await heraldClient();
        } catch (e) {
          this._fail(e);
          return;
        }
        if (generation !== this.generation || !this.isConnected) {
          return;
        }
        const live = f => (...args) => (generation === this.generation ? f(...args) : undefined);
        this.loaded = false;
        this.client = new HeraldClient({
          url,
          token: () => (this._tokenProvider ? this._tokenProvider() : this._fetchToken(tokenUrl)),
          onStatus: live(status => this._onStatus(status)),
          onNotification: live((item, source) => this._onItem(item, source)),
          onCounts: live(counts => this._onCounts(counts)),
          onChanged: live(change => this._onChanged(change)),
          onPreferences: live(prefs => this._onPreferences(prefs)),
          onError: live(error => this._emit("herald-error", { error })),
        });
        this.client.start();
      }

      async _fetchToken(tokenUrl) {
        const response = await fetch(tokenUrl, {
          method: (this.getAttribute("token-method") || "POST").toUpperCase(),
          credentials: "same-origin",
          headers: { Accept: "application/json, text/plain" },
        });
        if (!response.ok) {
          throw new Error("token-url " + tokenUrl + " answered " + response.status);
        }
        return tokenFromBody(await response.text());
      }

      _onStatus(status) {
        this.status = status;
        this.$.root.dataset.status = status;
        this.everOpen = this.everOpen || status === "open";
        const offline = status !== "open" && (this.everOpen || (this.client && this.client.attempt > 0));
        this.$.status.hidden = !offline;
        this.$.status.textContent = this._t().offline;
        this._emit("herald-status", { status });
        if (status === "open") {
          this.client.counts().catch(() => {});
          // what happened while disconnected is only known from Herald: reload what is shown
          this.loaded = false;
          if (this.isOpen) {
            this._load(this.filter);
          }
          if (this.view === "preferences") {
            this._loadPreferences();
          }
        }
      }

      _onItem(item, source) {
        this._emit("herald-notification", { item, source });
        if (this.loaded) {
          const before = this.items;
          this.items = insertItem(this.filter, this.items, item);
          if (this.items !== before) {
            this._renderItems();
            if (this.isOpen && this.view === "inbox") {
              this._markVisibleSeen();
            }
          }
        }
        if (source === "live") {
          this._announce(item);
        }
      }

      _onCounts(counts) {
        if (!counts) {
          return;
        }
        const changed = !this.countsKnown || counts.unread !== this.countsValue.unread || counts.unseen !== this.countsValue.unseen;
        this.countsKnown = true;
        this.countsValue = { unread: counts.unread || 0, unseen: counts.unseen || 0 };
        this._renderBadge();
        if (changed) {
          this._emit("herald-counts", this.counts);
        }
      }

      _onChanged(change) {
        this._apply(change);
      }

      _onPreferences(prefs) {
        this.prefs = prefs;
        if (this.view === "preferences" && this.prefsState !== "saving") {
          const message = this.$.prefs.querySelector('[part="prefs-message"]');
          this._renderPreferences(message ? message.textContent : "");
        }
      }

      // ---- inbox ----

      _apply(change) {
        if (!this.loaded) {
          return;
        }
        const result = applyChange(this.filter, this.items, change);
        this.items = result.items;
        this._renderItems();
        if (result.reload) {
          this._load(this.filter);
        }
      }

      async _load(filter) {
        if (!this.client || this.client.status !== "open") {
          this.filter = filter;
          this.loading = true;
          this._renderItems();
          return;
        }
        const generation = this.generation;
        const token = (this.loadToken = {});
        this.filter = filter;
        this.loading = true;
        this._renderTabs();
        this._renderItems();
        try {
          const page = await this.client.list(filter, null, PAGE);
          if (this.loadToken !== token || generation !== this.generation) {
            return;
          }
          this.items = page.items || [];
          this.cursor = page.cursor;
          this.more = !!page.more;
          this.loaded = true;
          this.$.scroll.scrollTop = 0;
        } catch (e) {
          if (this.loadToken === token) {
            this._fail(e);
          }
        } finally {
          if (this.loadToken === token) {
            this.loading = false;
            this._renderItems();
            if (this.isOpen) {
              this._markVisibleSeen();
              this._checkSentinel();
            }
          }
        }
      }

      async _loadMore() {
        if (!this.loaded || !this.more || this.loading || !this.client || !this.isOpen) {
          return;
        }
        const token = (this.loadToken = {});
        this.loading = true;
        this._renderItems();
        try {
          const page = await this.client.list(this.filter, this.cursor, PAGE);
          if (this.loadToken !== token) {
            return;
          }
          const shown = new Set(this.items.map(i => i.id));
          this.items = this.items.concat((page.items || []).filter(i => !shown.has(i.id)));
          this.cursor = page.cursor;
          this.more = !!page.more;
        } catch (e) {
          this._fail(e);
        } finally {
          if (this.loadToken === token) {
            this.loading = false;
            this._renderItems();
            if (this.isOpen) {
              this._markVisibleSeen();
              this._checkSentinel();
            }
          }
        }
      }

      /** The observer only tells when the sentinel comes into view: a short page leaves it in view, so ask again. */
      _checkSentinel() {
        requestAnimationFrame(() => {
          const sentinel = this.$.sentinel.getBoundingClientRect();
          const scroll = this.$.scroll.getBoundingClientRect();
          if (this.more && !this.loading && sentinel.top <= scroll.bottom + 120) {
            this._loadMore();
          }
        });
      }

      _markVisibleSeen() {
        if (!this.client || this.view !== "inbox") {
          return;
        }
        const ids = this.items.filter(i => i.state === "unseen" && !this.pendingSeen.has(i.id)).map(i => i.id).slice(0, MAX_IDS);
        if (!ids.length) {
          return;
        }
        ids.forEach(id => this.pendingSeen.add(id));
        this._apply({ ids, state: "seen" });
        this.client.seen(ids).catch(e => this._fail(e)).finally(() => ids.forEach(id => this.pendingSeen.delete(id)));
      }

      async _act(action, item) {
        const states = { read: "read", unread: "seen", archive: "archived" };
        if (action === "unarchive") {
          this.items = this.items.filter(i => i.id !== item.id);
          this._renderItems();
        } else {
          this._apply({ ids: [item.id], state: states[action] });
        }
        try {
          await this.client[action]([item.id]);
        } catch (e) {
          this._fail(e);
          this._load(this.filter);
        }
      }

      async _readAll() {
        this._apply({ all: true, state: "read" });
        try {
          await this.client.readAll();
        } catch (e) {
          this._fail(e);
          this._load(this.filter);
        }
      }

      _fail(error) {
        this._emit("herald-error", { error });
        this.$.error.textContent = this._t().error + (error && error.message ? error.message : String(error));
        this.$.error.hidden = false;
        clearTimeout(this._errorTimer);
        this._errorTimer = setTimeout(() => { this.$.error.hidden = true; }, 8000);
      }

      _announce(item) {
        this.announced.push(item);
        clearTimeout(this._announceTimer);
        this._announceTimer = setTimeout(() => {
          const t = this._t();
          const items = this.announced.splice(0);
          const nf = new Intl.NumberFormat(this.locale);
          this.$.live.textContent = items.length === 1
            ? t.newItem(items[0].title || items[0].body || "") : t.newItems(nf.format(items.length));
        }, 400);
      }

      _emit(type, detail) {
        this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
      }

      _t() {
        return STRINGS[this.locale];
      }

      // ---- rendering ----

      _renderStrings() {
        const t = this._t();
        const locale = this.locale;
        this.$.root.setAttribute("dir", RTL.includes(locale) ? "rtl" : "ltr");
        this.$.root.setAttribute("lang", locale);
        this.$.title.textContent = t.notifications;
        this.$.markAll.textContent = t.markAllRead;
        this.$.settings.setAttribute("aria-label", t.settings);
        this.$.back.setAttribute("aria-label", t.back);
        this.$.back.title = t.back;
        this.$.settings.title = t.settings;
        this.$.tabs.setAttribute("aria-label", t.filters);
        this.$.status.textContent = t.offline;
        this.$.loading.textContent = t.loading;
        this._renderTabs();
      }

      _renderTabs() {
        const t = this._t();
        this.shadowRoot.querySelectorAll('[role="tab"]').forEach(tab => {
          const selected = tab.dataset.filter === this.filter;
          tab.textContent = t[tab.dataset.filter];
          tab.setAttribute("aria-selected", String(selected));
          tab.tabIndex = selected ? 0 : -1;
          if (selected) {
            this.$.scroll.setAttribute("aria-labelledby", tab.id);
          }
        });
        this.$.markAll.hidden = this.filter === "archived" || this.view !== "inbox";
      }

      _renderBadge() {
        const unread = this.countsValue.unread;
        const text = badgeText(unread, this.locale);
        this.$.badge.textContent = text;
        this.$.badge.hidden = !text;
        this.$.badge.dataset.count = String(unread);
        this.$.bell.setAttribute("aria-label", this._t().bell(unread ? text : 0));
        this.$.bell.dataset.count = String(unread);
        this.$.markAll.disabled = unread === 0;
      }

      _renderItems() {
        const t = this._t();
        const feed = this.$.feed;
        const focused = this.shadowRoot.activeElement;
        const focusedItem = focused && focused.closest ? focused.closest(".item") : null;
        const focusedIndex = focusedItem ? [...feed.children].indexOf(focusedItem) : -1;
        const focusedId = focusedItem ? focusedItem.dataset.id : null;
        const focusedPart = focused && focusedItem && focused !== focusedItem ? focused.getAttribute("data-act") : null;
        const now = Date.now();
        const size = this.more ? -1 : this.items.length;
        feed.innerHTML = this.items.map((item, index) => {
          const unread = isUnread(item.state);
          const label = escapeHtml(item.title || item.body || "");
          const readAct = unread ? "read" : "unread";
          const archiveAct = item.state === "archived" ? "unarchive" : "archive";
          return `<article part="item${unread ? " item-unread" : ""}" class="item${unread ? " unread" : ""}" tabindex="-1"
              data-id="${escapeHtml(item.id)}" data-state="${escapeHtml(item.state || "unseen")}" data-index="${index}"
              aria-posinset="${index + 1}" aria-setsize="${size}" aria-labelledby="t${index}" aria-describedby="b${index} d${index}">
            <span class="dot" part="item-dot" aria-hidden="true"></span>
            <div class="content">
              <h3 class="item-title" part="item-title" id="t${index}" dir="auto">${escapeHtml(item.title || "")}</h3>
              <p class="item-body" part="item-body" id="b${index}" dir="auto">${escapeHtml(item.body || "")}</p>
              <time class="item-time" part="item-time" id="d${index}" datetime="${escapeHtml(item.createdAt || "")}"
                title="${escapeHtml(this._absolute(item.createdAt))}">${escapeHtml(relativeTime(item.createdAt, now, this.locale))}</time>
            </div>
            <div class="actions" part="item-actions">
              ${item.state === "archived" ? "" : `<button class="icon-button" part="item-${readAct}" type="button" data-act="${readAct}"
                  aria-label="${escapeHtml(t[readAct === "read" ? "markRead" : "markUnread"])}: ${label}"
                  title="${escapeHtml(t[readAct === "read" ? "markRead" : "markUnread"])}">${icon(readAct)}</button>`}
              <button class="icon-button" part="item-${archiveAct}" type="button" data-act="${archiveAct}"
                aria-label="${escapeHtml(t[archiveAct])}: ${label}" title="${escapeHtml(t[archiveAct])}">${icon(archiveAct)}</button>
            </div>
          </article>`;
        }).join("");
        this.$.feed.setAttribute("aria-busy", String(this.loading));
        const firstLoad = this.loading && !this.loaded;
        this.$.loading.hidden = !this.loading;
        this.$.empty.hidden = this.loading || firstLoad || !this.loaded || this.items.length > 0;
        const empty = { unread: t.emptyUnread, all: t.emptyAll, archived: t.emptyArchived }[this.filter];
        this.$.empty.innerHTML = icon("empty") + "<p>" + escapeHtml(empty) + "</p>";
        this.$.empty.dataset.filter = this.filter;
        this.$.scroll.dataset.filter = this.filter;
        this.$.scroll.dataset.loaded = String(this.loaded);
        const items = [...feed.children];
        if (items.length) {
          // one item takes Tab (roving tabindex); the arrows move between them
          let index = focusedId ? items.findIndex(e => e.dataset.id === focusedId) : -1;
          const vanished = focusedItem && index < 0;
          if (index < 0) {
            index = Math.max(0, Math.min(focusedIndex, items.length - 1));
          }
          items[index].tabIndex = 0;
          if (focusedItem) {
            const target = !vanished && focusedPart ? items[index].querySelector('[data-act="' + focusedPart + '"]') : null;
            (target || items[index]).focus();
          }
        } else if (focusedItem) {
          this.shadowRoot.getElementById("tab-" + this.filter).focus();
        }
        this._renderTabs();
      }

      _renderTimes() {
        const now = Date.now();
        this.shadowRoot.querySelectorAll("time.item-time").forEach(time => {
          time.textContent = relativeTime(time.getAttribute("datetime"), now, this.locale);
        });
      }

      _absolute(iso) {
        const time = Date.parse(iso);
        return isNaN(time) ? "" : new Intl.DateTimeFormat(this.locale, { dateStyle: "medium", timeStyle: "short" }).format(time);
      }

      _showView(view) {
        this.view = view;
        this.$.inbox.hidden = view !== "inbox";
        this.$.prefs.hidden = view !== "preferences";
        this.$.panel.dataset.view = view;
        this.$.title.textContent = view === "inbox" ? this._t().notifications : this._t().settings;
        this.$.settings.hidden = view !== "inbox";
        this.$.back.hidden = view === "inbox";
        this._renderTabs();
      }

      // ---- preferences ----

      _openPreferences() {
        this._showView("preferences");
        this._renderPreferences();
        this._loadPreferences();
      }

      async _loadPreferences() {
        if (!this.client || this.client.status !== "open") {
          return;
        }
        this.prefsState = this.prefs ? "idle" : "loading";
        try {
          this.prefs = await this.client.preferences();
          this.prefsState = "idle";
        } catch (e) {
          this.prefsState = "idle";
          this._fail(e);
        }
        if (this.view === "preferences") {
          this._renderPreferences();
        }
      }

      _renderPreferences(message) {
        const t = this._t();
        const form = this.$.prefs;
        const focusedName = this.shadowRoot.activeElement && form.contains(this.shadowRoot.activeElement)
          ? this.shadowRoot.activeElement.getAttribute("data-key") : null;
        const prefs = this.prefs;
        if (!prefs) {
          form.innerHTML = `<div part="prefs-loading" class="loading">${escapeHtml(t.loading)}</div>`;
          form.dataset.state = "loading";
          return;
        }
        const channels = channelsOf(prefs.categories);
        const name = id => id.charAt(0).toUpperCase() + id.slice(1).replace(/[-_.]/g, " ");
        const rows = (prefs.categories || []).map(category => `
          <tr part="category" data-category="${escapeHtml(category.id)}" data-locked="${!!category.locked}">
            <th scope="row">${escapeHtml(name(category.id))}${category.locked
              ? `<span part="lock" title="${escapeHtml(t.locked)}">${icon("lock", "lock")}</span>` : ""}</th>
            ${channels.map(channel => !(channel in (category.channels || {})) ? '<td aria-hidden="true">–</td>' : `<td>
              <input class="switch" part="switch" type="checkbox" role="switch"
                data-key="switch:${escapeHtml(category.id)}:${escapeHtml(channel)}"
                data-category="${escapeHtml(category.id)}" data-channel="${escapeHtml(channel)}"
                aria-label="${escapeHtml(name(category.id))}: ${escapeHtml(t.channels[channel] || name(channel))}"
                ${category.channels[channel] ? "checked" : ""}
                ${category.locked ? 'disabled aria-describedby="locked-note"' : ""}></td>`).join("")}
          </tr>`).join("");
        const anyLocked = (prefs.categories || []).some(c => c.locked);
        const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : null;
        const zoneOptions = zones ? [""].concat(zones.includes(prefs.timeZone) || !prefs.timeZone ? [] : [prefs.timeZone], zones) : null;
        const languageName = code => {
          try {
            return new Intl.DisplayNames([this.locale], { type: "language" }).of(code) || code;
          } catch (e) {
            return code;
          }
        };
        const locales = LOCALES.concat(prefs.locale && !LOCALES.includes(prefs.locale) ? [prefs.locale] : []);
        const option = (value, label, selected) =>
          `<option value="${escapeHtml(value)}" ${selected ? "selected" : ""}>${escapeHtml(label)}</option>`;
        const quiet = prefs.quietHours || {};
        form.innerHTML = `
          <fieldset part="categories">
            <legend>${escapeHtml(t.notifications)}</legend>
            <table>
              <thead><tr><th scope="col">${escapeHtml(t.category)}</th>
                ${channels.map(ch => `<th scope="col">${escapeHtml(t.channels[ch] || name(ch))}</th>`).join("")}</tr></thead>
              <tbody>${rows}</tbody>
            </table>
            ${anyLocked ? `<p class="note" id="locked-note" part="locked-note">${icon("lock", "lock")} ${escapeHtml(t.locked)}</p>` : ""}
          </fieldset>
          <fieldset part="quiet-hours">
            <legend>${escapeHtml(t.quietHours)}</legend>
            <div class="row">
              <label>${escapeHtml(t.quietStart)} <input type="time" name="quietStart" data-key="quietStart" part="quiet-start"
                value="${escapeHtml(quiet.start || "")}"></label>
              <label>${escapeHtml(t.quietEnd)} <input type="time" name="quietEnd" data-key="quietEnd" part="quiet-end"
                value="${escapeHtml(quiet.end || "")}"></label>
              <button type="button" class="text-button" part="quiet-clear" data-act="quiet-clear"
                data-key="quietClear">${escapeHtml(t.clear)}</button>
            </div>
            <p class="note">${escapeHtml(t.quietHelp)}</p>
          </fieldset>
          <label class="field"><span>${escapeHtml(t.timeZone)}</span>
            ${zoneOptions ? `<select name="timeZone" data-key="timeZone" part="time-zone">${zoneOptions.map(z =>
              option(z, z ? z.replace(/_/g, " ") : t.byDefault, (prefs.timeZone || "") === z)).join("")}</select>`
              : `<input name="timeZone" data-key="timeZone" part="time-zone" value="${escapeHtml(prefs.timeZone || "")}">`}
          </label>
          <label class="field"><span>${escapeHtml(t.language)}</span>
            <select name="locale" data-key="locale" part="locale">${[option("", t.byDefault, !prefs.locale)].concat(
              locales.map(l => option(l, languageName(l), prefs.locale === l))).join("")}</select>
          </label>
          <label class="field"><span>${escapeHtml(t.digest)}</span>
            <select name="digest" data-key="digest" part="digest">${["default", "hourly", "daily"].map(d =>
              option(d, t.digests[d], (prefs.digest || "default") === d)).join("")}</select>
          </label>
          <div class="error" part="prefs-error" role="alert" hidden></div>
          <div class="prefs-actions">
            <button type="submit" class="primary" part="save" data-key="save" ${this.prefsState === "saving" ? "disabled" : ""}>
              ${escapeHtml(this.prefsState === "saving" ? t.saving : t.save)}</button>
            <span class="saved" part="prefs-message" role="status">${escapeHtml(message || "")}</span>
          </div>`;
        form.dataset.state = this.prefsState;
        if (focusedName) {
          const again = form.querySelector('[data-key="' + CSS.escape(focusedName) + '"]');
          again && again.focus();
        }
      }

      _formValues() {
        const form = this.$.prefs;
        const value = name => (form.elements[name] ? form.elements[name].value : "");
        const channels = {};
        form.querySelectorAll("input.switch:not(:disabled)").forEach(input => {
          channels[input.dataset.category] = channels[input.dataset.category] || {};
          channels[input.dataset.category][input.dataset.channel] = input.checked;
        });
        return {
          locale: value("locale"), timeZone: value("timeZone"), quietStart: value("quietStart"), quietEnd: value("quietEnd"),
          digest: value("digest"), channels,
        };
      }

      async _savePreferences() {
        const t = this._t();
        const showError = text => {
          const box = this.$.prefs.querySelector('[part="prefs-error"]');
          box.textContent = text;
          box.hidden = false;
          box.scrollIntoView({ block: "nearest" });
        };
        if (!this.prefs || this.prefsState === "saving") {
          return;
        }
        const result = preferencesChange(this.prefs, this._formValues());
        if (result.error) {
          showError(t[result.error]);
          return;
        }
        if (!Object.keys(result.change).length) {
          this._renderPreferences(t.saved);
          return;
        }
        this.prefsState = "saving";
        const values = this._formValues();
        this._renderPreferences();
        this._restoreForm(values);
        try {
          this.prefs = await this.client.setPreferences(result.change);
          this.prefsState = "idle";
          this._renderPreferences(t.saved);
          this.$.prefs.querySelector('[part="save"]').focus();
        } catch (e) {
          this.prefsState = "idle";
          this._renderPreferences();
          this._restoreForm(values);
          showError(e.message || String(e));
          this.$.prefs.dataset.error = String(e.status || "");
        }
      }

      /** Puts what the user typed back after a re-render, so a refused change can be corrected. */
      _restoreForm(values) {
        const form = this.$.prefs;
        ["locale", "timeZone", "quietStart", "quietEnd", "digest"].forEach(name => {
          if (form.elements[name]) {
            form.elements[name].value = values[name];
          }
        });
        form.querySelectorAll("input.switch:not(:disabled)").forEach(input => {
          const wanted = (values.channels[input.dataset.category] || {})[input.dataset.channel];
          if (wanted !== undefined) {
            input.checked = wanted;
          }
        });
      }

      // ---- events ----

      _wire() {
        const s = this.$;
        // a click with detail 0 came from the keyboard (Enter or Space): only then does the focus ring show
        s.bell.addEventListener("click", event => (this.isOpen ? this.closePanel() : this.openPanel(event.detail === 0)));
        s.markAll.addEventListener("click", () => this._readAll());
        s.settings.addEventListener("click", event => {
          this._openPreferences();
          this.$.back.focus({ focusVisible: event.detail === 0 });
        });
        s.back.addEventListener("click", event => {
          this._showView("inbox");
          this.$.settings.focus({ focusVisible: event.detail === 0 });
        });
        s.tabs.addEventListener("click", event => {
          const tab = event.target.closest('[role="tab"]');
          if (tab && tab.dataset.filter !== this.filter) {
            this._load(tab.dataset.filter);
          }
        });
        s.tabs.addEventListener("keydown", event => {
          const order = FILTERS.indexOf(this.filter);
          const rtl = this.$.root.getAttribute("dir") === "rtl";
          const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
          if (step) {
            event.preventDefault();
            const next = FILTERS[(order + step + FILTERS.length) % FILTERS.length];
            this._load(next);
            this.shadowRoot.getElementById("tab-" + next).focus();
          }
        });
        s.feed.addEventListener("click", event => {
          const item = event.target.closest(".item");
          if (!item) {
            return;
          }
          const data = this.items.find(i => i.id === item.dataset.id);
          const button = event.target.closest("button[data-act]");
          if (button && data) {
            this._act(button.dataset.act, data);
          } else if (data) {
            this._itemClick(data);
          }
        });
        s.panel.addEventListener("keydown", event => this._keydown(event));
        s.bell.addEventListener("keydown", event => {
          if (event.key === "Escape" && this.isOpen) {
            event.preventDefault();
            this.closePanel(true);
          }
        });
        s.prefs.addEventListener("submit", event => {
          event.preventDefault();
          this._savePreferences();
        });
        s.prefs.addEventListener("click", event => {
          const act = event.target.closest("[data-act]");
          if (!act) {
            return;
          }
          if (act.dataset.act === "quiet-clear") {
            this.$.prefs.elements.quietStart.value = "";
            this.$.prefs.elements.quietEnd.value = "";
          }
        });
      }

      _itemClick(item) {
        if (isUnread(item.state)) {
          this._act("read", item);
        }
        this._emit("herald-item-click", { item });
      }

      _keydown(event) {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          this.closePanel(true);
          return;
        }
        if (this.view !== "inbox") {
          return;
        }
        const items = [...this.$.feed.querySelectorAll(".item")];
        const active = this.shadowRoot.activeElement;
        const current = active && active.closest ? active.closest(".item") : null;
        const index = current ? items.indexOf(current) : -1;
        let next = null;
        if (event.key === "ArrowDown" || event.key === "PageDown") {
          next = index < 0 ? 0 : Math.min(index + 1, items.length - 1);
        } else if (event.key === "ArrowUp" || event.key === "PageUp") {
          if (index === 0) {
            // above the first item are the filters
            event.preventDefault();
            this.shadowRoot.getElementById("tab-" + this.filter).focus();
            return;
          }
          next = index > 0 ? index - 1 : null;
        } else if (event.key === "Home" && current) {
          next = 0;
        } else if (event.key === "End" && current) {
          next = items.length - 1;
        } else if ((event.key === "Enter" || event.key === " ") && current && active === current) {
          event.preventDefault();
          const data = this.items.find(i => i.id === current.dataset.id);
          data && this._itemClick(data);
          return;
        }
        if (next !== null && items[next]) {
          event.preventDefault();
          items.forEach(e => { e.tabIndex = -1; });
          items[next].tabIndex = 0;
          items[next].focus();
          if (next === items.length - 1) {
            this._loadMore();
          }
        }
      }
    }

    customElements.define("herald-inbox", HeraldInbox);
    return HeraldInbox;
  }

  return Object.assign({ define }, helpers);
});
