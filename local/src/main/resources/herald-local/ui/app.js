// herald local's dev UI: polls /local/snapshot and renders it. Plain DOM, no framework.
'use strict';
const $ = s => document.querySelector(s);
let apiKey = null;
let templates = [];
let engagementTracking = false;

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text == null ? '' : String(text);
  if (cls) td.className = cls;
  return td;
}

function fill(section, rows, toCells) {
  const body = document.querySelector(section + ' tbody');
  body.replaceChildren(...rows.map(r => {
    const tr = document.createElement('tr');
    toCells(r).forEach(c => tr.appendChild(c));
    return tr;
  }));
}

// the locale an email was rendered in: its Content-Language header, else the lang of its <html>
function language(m) {
  const header = m.headers && (m.headers['Content-Language'] || m.headers['content-language']);
  const lang = m.html && /<html[^>]*\slang="([^"]+)"/i.exec(m.html);
  return header || (lang ? lang[1] : '');
}

function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : ''; }
function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
function short(id) { return id ? String(id).slice(0, 8) : ''; }

function button(label, onClick) {
  const td = document.createElement('td');
  const b = document.createElement('button');
  b.textContent = label;
  b.onclick = onClick;
  td.appendChild(b);
  return td;
}

// with --track-engagement, stand in for the recipient: SES reports the open or the click, and the delivery moves on
function engagement(m) {
  if (!engagementTracking || !m.html) return cell('');
  const td = document.createElement('td');
  for (const action of ['open', 'click']) {
    const b = document.createElement('button');
    b.textContent = action;
    b.onclick = () => post('/local/outbox/' + encodeURIComponent(m.messageId) + '/' + action, {}).then(refresh);
    td.appendChild(b);
  }
  return td;
}

async function post(path, body) {
  const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  return r.json();
}

async function refresh() {
  let s;
  try {
    s = await (await fetch('/local/snapshot')).json();
  } catch (e) {
    $('#inflight').textContent = '(herald local is not answering)';
    return;
  }
  $('#inflight').textContent = s.inFlight ? '(' + s.inFlight + ' in flight)' : '';
  fill('#events', s.events, e => [cell(time(e.receivedAt)), cell(short(e.eventId), 'id'),
    cell((e.source || '') + ' / ' + (e.detailType || '')), cell(e.state + (e.note ? ': ' + e.note : ''), e.state),
    cell(e.steps.map(st => st.target.replace('herald-', '') + ' ' + st.status + (st.attempts > 1 ? ' ×' + st.attempts : '')
      + (st.error ? ' (' + st.error + ')' : '')).join(' → '))]);
  fill('#deliveries', s.deliveries, d => [cell(short(d.key.notificationId), 'id'), cell(d.key.typeId), cell(d.key.channel),
    cell(d.key.recipientId), cell(d.status, d.status), cell((d.reason || '') + (d.dueAt ? ' (due ' + when(d.dueAt) + ')' : '')),
    cell(d.attempts)]);
  fill('#connections', s.connections, c => [cell(c.connectionId, 'id'), cell(c.userId), cell(time(c.connectedAt)), cell(time(c.lastActiveAt))]);
  fill('#emails', s.emails, m => [cell(time(m.at)), cell((m.to || []).join(', ')),
    cell(language(m)), cell(m.subject),
    button('view', () => { $('#email-view').srcdoc = m.html || ('<pre>' + (m.text || m.raw || '').replace(/</g, '&lt;') + '</pre>'); }),
    engagement(m)]);
  fill('#pushes', s.pushes, p => [cell(time(p.at)), cell(p.targetArn, 'id'), cell(p.platform), cell(p.recipient),
    cell(typeof p.message === 'string' ? p.message : JSON.stringify(p.message))]);
  fill('#queues', s.queues || [], q => [cell(q.queue, q.queue.endsWith('-dlq') && q.visible + q.inFlight + q.delayed > 0 ? 'FAILED' : ''),
    cell(q.visible), cell(q.inFlight), cell(q.delayed),
    q.queue.endsWith('-dlq') && q.visible > 0
      ? button('redrive', () => post('/local/queues/redrive', {queue: q.queue.slice(0, -'-dlq'.length)}).then(refresh)) : cell('')]);
  fill('#fanouts', s.fanOuts || [], f => [cell(short(f.eventId), 'id'), cell(f.typeId), cell((f.topics || []).join(', ')),
    cell(f.pages), cell(f.membersResolved), cell(f.deliveriesCreated), cell(f.sent),
    cell(f.complete ? 'read' : 'reading', f.complete ? 'SENT' : 'PENDING')]);
  fill('#schedules', s.schedules || [], w => [cell(when(w.dueAt)), cell(w.name, 'id'), cell(w.targetArn.split(':').pop()),
    cell(w.attempts), cell(w.lastError || '', w.lastError ? 'FAILED' : '')]);
  fill('#dlq', s.dlq, l => [cell(time(l.failedAt)), cell(l.target), cell(short(l.eventId), 'id'), cell(l.attempts), cell(l.error),
    button('redrive', () => post('/local/dlq/redrive', {id: l.id}).then(refresh))]);
}

async function init() {
  const info = await (await fetch('/local/info')).json();
  apiKey = info.apiKey;
  engagementTracking = info.engagementTracking === true;
  $('#info').textContent = 'AWS endpoint ' + info.baseUrl + ' · WebSocket ' + info.webSocketUrl + '?token=JWT · POST /events x-api-key: '
    + info.apiKey + ' · store: ' + info.store;
  templates = await (await fetch('/local/templates')).json();
  for (const select of [$('#publish-type'), $('#preview-type')]) {
    select.replaceChildren(...templates.map(t => new Option(t.type, t.type)));
  }
  $('#publish-type').onchange = () => {
    const t = templates.find(t => t.type === $('#publish-type').value);
    $('#publish-detail').value = t && t.sample ? JSON.stringify(t.sample, null, 2) : '{}';
    if (t && t.source) $('#publish-source').value = t.source;
  };
  $('#publish-type').onchange();
  $('#preview-type').onchange = () => {
    const t = templates.find(t => t.type === $('#preview-type').value);
    $('#preview-locale').replaceChildren(...(t ? t.locales : []).map(l => new Option(l, l)));
    $('#preview-locale').onchange();
  };
  $('#preview-locale').onchange = () => {
    $('#preview').src = '/local/preview?format=html&type=' + encodeURIComponent($('#preview-type').value)
      + '&locale=' + encodeURIComponent($('#preview-locale').value);
  };
  $('#preview-type').onchange();
  $('#publish-form').onsubmit = async e => {
    e.preventDefault();
    let detail;
    try { detail = JSON.parse($('#publish-detail').value); } catch (err) { $('#publish-result').textContent = 'detail is not JSON: ' + err.message; return; }
    const r = await fetch('/events', {method: 'POST', headers: {'Content-Type': 'application/json', 'x-api-key': apiKey},
      body: JSON.stringify({Source: $('#publish-source').value, DetailType: $('#publish-type').value, Detail: detail})});
    const body = await r.json();
    const entry = body.Entries ? body.Entries[0] : null;
    $('#publish-result').textContent = entry ? (entry.EventId ? 'published ' + entry.EventId + (entry.Warning ? ' · ' + entry.Warning : '')
      : entry.ErrorCode + ': ' + entry.ErrorMessage) : (body.error || r.status);
    refresh();
  };
  $('#redrive-all').onclick = () => post('/local/dlq/redrive', {all: true}).then(refresh);
  refresh();
  setInterval(refresh, 1000);
}

init();
