/* 问答: a chat panel; the answer streams in (SSE over fetch), then its citations become clickable
 * ([n] opens the cited passage beside the chat) and structured answers show their rows as a table. */
(function () {
  'use strict';
  var el = Z.el;
  var conversation = null;
  var busy = false;

  function cellText(key, value) {
    if (value === null || value === undefined || value === '') return '—';
    if (key === 'met') return value ? '达标' : '未达标';
    if (typeof value === 'boolean') return value ? '是' : '否';
    if (typeof value === 'number') return Z.fmt(value);
    if (typeof value === 'object') return JSON.stringify(value);
    return String(value);
  }

  /* Answer text with [n] turned into buttons (text stays text). */
  function textWithCitations(text, citations) {
    var byN = {};
    citations.forEach(function (c) { byN[c.n] = c; });
    var out = el('div', { class: 'answer-text' });
    text.split('\n').forEach(function (line, i) {
      if (i) out.append(el('br'));
      var re = /\[(\d+)\]/g, last = 0, m;
      while ((m = re.exec(line))) {
        out.append(line.slice(last, m.index));
        var c = byN[Number(m[1])];
        out.append(c ? el('button', { type: 'button', class: 'cite', title: c.file + ' ' + c.location_text,
          dataset: { n: c.n }, onclick: function (cc) { return function () { openPassage(cc); }; }(c) }, '[' + m[1] + ']') : m[0]);
        last = re.lastIndex;
      }
      out.append(line.slice(last));
    });
    return out;
  }

  function rowsTable(answer) {
    if (!answer.rows.length || !answer.columns.length) return null;
    var shown = answer.rows.slice(0, 200);
    return el('div', { class: 'rows-wrap' },
      el('table', { class: 'grid rows' },
        el('thead', null, el('tr', null, el('th', null, '序号'), answer.columns.map(function (c) { return el('th', null, c.label); }), el('th', null, '材料'))),
        el('tbody', null, shown.map(function (row, i) {
          return el('tr', null, el('td', { class: 'num' }, i + 1),
            answer.columns.map(function (c) { return el('td', null, cellText(c.key, row[c.key])); }),
            el('td', null, row.submission_id ? el('a', { href: '/submissions/' + encodeURIComponent(row.submission_id) }, '查看') : '—'));
        }))),
      answer.rows.length > shown.length ? el('p', { class: 'muted' }, '仅显示前 ' + shown.length + ' 行，共 ' + answer.rows.length + ' 行。') : null);
  }

  function renderAnswer(box, answer) {
    Z.clear(box);
    box.dataset.kind = answer.kind;
    box.append(textWithCitations(answer.text, answer.citations));
    if (answer.query_in_words) box.append(el('p', { class: 'query muted' }, '查询：' + answer.query_in_words));
    var table = rowsTable(answer);
    if (table) box.append(table);
    if (answer.citations.length) {
      box.append(el('ol', { class: 'citations' }, answer.citations.map(function (c) {
        return el('li', null, el('button', { type: 'button', class: 'cite-link', onclick: function () { openPassage(c); } },
          '[' + c.n + '] ' + (c.file || '') + ' ' + c.location_text), el('div', { class: 'snippet muted' }, c.snippet));
      })));
    }
    answer.flags.forEach(function (flag) { box.append(el('p', { class: 'flag' }, '提示：' + flag)); });
  }

  function openPassage(c) {
    var panel = document.getElementById('passage');
    panel.hidden = false;
    document.getElementById('passage-where').textContent = (c.file || '') + ' ' + c.location_text;
    var textBox = Z.clear(document.getElementById('passage-text'));
    textBox.append(el('p', { class: 'muted' }, '加载中…'));
    var open = document.getElementById('passage-open');
    open.href = '/submissions/' + encodeURIComponent(c.submission_id) + (c.location.field ? '#field=' + encodeURIComponent(c.location.field) : '');
    var original = document.getElementById('passage-original');
    original.hidden = !(c.file && /\.pdf$/i.test(c.file));
    original.onclick = function () {
      Z.openBlob('/submissions/' + encodeURIComponent(c.submission_id) + '/original', c.location.page ? '#page=' + c.location.page : '').catch(Z.fail);
    };
    Z.api('/submissions/' + encodeURIComponent(c.submission_id) + '/passages/' + encodeURIComponent(c.chunk_id)).then(function (p) {
      Z.clear(textBox);
      var snippet = (c.snippet || '').trim();
      var at = snippet ? p.text.indexOf(snippet) : -1;
      if (at >= 0) {
        textBox.append(p.text.slice(0, at), el('mark', null, snippet), p.text.slice(at + snippet.length));
      } else {
        textBox.append(p.text);
      }
      var mark = textBox.querySelector('mark');
      if (mark) mark.scrollIntoView({ block: 'center' });
    }).catch(function (err) { Z.clear(textBox).append(el('p', { class: 'error' }, err.message)); });
  }

  function ask(question) {
    if (busy) return;
    busy = true;
    var messages = document.getElementById('messages');
    var hint = messages.querySelector('.hint');
    if (hint) hint.remove();
    messages.append(el('div', { class: 'msg user' }, question));
    var box = el('div', { class: 'msg assistant streaming' });
    var live = el('div', { class: 'answer-text' });
    box.append(live);
    messages.append(box);
    box.scrollIntoView({ block: 'end' });
    var button = document.getElementById('ask-btn');
    button.disabled = true;
    var year = document.getElementById('ask-year').value;
    var body = { question: question, conversation_id: conversation, year: year ? Number(year) : null };
    var done = false;
    Z.stream('/ask/stream', { json: body }, function (name, data) {
      if (name === 'delta') {
        live.append(data.text);
      } else if (name === 'answer') {
        done = true;
        conversation = data.conversation_id;
        renderAnswer(box, data);
      } else if (name === 'error') {
        done = true;
        Z.clear(box).append(el('p', { class: 'error' }, data.error.message));
      }
      messages.scrollTop = messages.scrollHeight;
    }).catch(function (err) {
      done = true;
      Z.clear(box).append(el('p', { class: 'error' }, err.message));
    }).then(function () {
      if (!done) Z.clear(box).append(el('p', { class: 'error' }, '回答中断，请重试。'));
      box.classList.remove('streaming');
      busy = false;
      button.disabled = false;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!Z.token()) return;
    Z.years().then(function (data) { Z.fillYears(document.getElementById('ask-year'), data.years, '不限'); }).catch(Z.fail);
    var form = document.getElementById('ask-form');
    var input = document.getElementById('question');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var q = input.value.trim();
      if (!q) return;
      input.value = '';
      ask(q);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
    });
    document.getElementById('new-chat').addEventListener('click', function () {
      conversation = null;
      Z.clear(document.getElementById('messages')).append(el('p', { class: 'muted hint' }, '新对话已开始。'));
      document.getElementById('passage').hidden = true;
    });
    document.getElementById('passage-close').addEventListener('click', function () { document.getElementById('passage').hidden = true; });
    var q = Z.param('q');
    if (q) ask(q);
  });
})();
