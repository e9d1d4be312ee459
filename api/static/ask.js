/* 问答: a chat panel; the answer streams in (SSE over fetch), then its citations become clickable
 * ([n] opens the cited passage beside the chat) and structured answers show their rows as a table,
 * paged. The conversation's subject (unit, project, year …) shows as chips; removing one means the
 * next follow-up no longer carries it. Conversations are kept per user: the list reopens one, and a
 * reload reopens the current one (its id is in the address, ?c=…). An ambiguous question is asked
 * back: its options are buttons that ask the completed question. Every answer can be rated 👍 / 👎
 * (a 👎 with its reason), stored with the turn it rates. */
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

  var PAGE = 50;

  /* Every row of the answer, PAGE rows at a time. */
  function rowsTable(answer) {
    if (!answer.rows.length || !answer.columns.length) return null;
    var wrap = el('div', { class: 'rows-wrap' });
    var pages = Math.ceil(answer.rows.length / PAGE);
    function show(page) {
      Z.clear(wrap);
      var from = page * PAGE, shown = answer.rows.slice(from, from + PAGE);
      wrap.append(el('table', { class: 'grid rows' },
        el('thead', null, el('tr', null, el('th', null, '序号'), answer.columns.map(function (c) { return el('th', null, c.label); }), el('th', null, '材料'))),
        el('tbody', null, shown.map(function (row, i) {
          return el('tr', null, el('td', { class: 'num' }, from + i + 1),
            answer.columns.map(function (c) { return el('td', null, cellText(c.key, row[c.key])); }),
            el('td', null, row.submission_id ? el('a', { href: '/submissions/' + encodeURIComponent(row.submission_id) }, '查看') : '—'));
        }))));
      if (pages > 1) {
        wrap.append(el('p', { class: 'pager muted' },
          el('button', { type: 'button', class: 'btn-link page-prev', disabled: page === 0, onclick: function () { show(page - 1); } }, '上一页'),
          ' 第 ' + (page + 1) + ' / ' + pages + ' 页，共 ' + answer.rows.length + ' 行 ',
          el('button', { type: 'button', class: 'btn-link page-next', disabled: page === pages - 1, onclick: function () { show(page + 1); } }, '下一页')));
      }
    }
    show(0);
    return wrap;
  }

  /* The subject as chips; × removes a part (PATCH), so the next follow-up no longer carries it. */
  function renderChips(chips) {
    var box = Z.clear(document.getElementById('subject-chips'));
    box.hidden = !(chips && chips.length);
    if (box.hidden) return;
    box.append(el('span', { class: 'muted' }, '当前主题：'));
    chips.forEach(function (c) {
      box.append(el('span', { class: 'chip', dataset: { key: c.key } }, c.label + '：' + c.value,
        el('button', { type: 'button', class: 'chip-remove', title: '移除“' + c.value + '”，后续追问不再沿用', 'aria-label': '移除' + c.label,
          onclick: function () { removeChip(c.key); } }, '×')));
    });
  }

  function removeChip(key) {
    if (!conversation) return;
    Z.api('/ask/conversations/' + encodeURIComponent(conversation), { method: 'PATCH', json: { remove: [key] } })
      .then(function (c) { renderChips(c.subject_chips); }).catch(Z.fail);
  }

  function setConversation(id) {
    conversation = id;
    var url = new URL(window.location.href);
    if (id) url.searchParams.set('c', id); else url.searchParams.delete('c');
    url.searchParams.delete('q');
    window.history.replaceState(null, '', url);
  }

  function loadList() {
    return Z.api('/ask/conversations').then(function (list) {
      var select = document.getElementById('conversations');
      Z.clear(select).append(el('option', { value: '' }, list.length ? '历史对话（' + list.length + '）' : '暂无历史对话'));
      list.forEach(function (c) {
        var o = el('option', { value: c.id }, c.title + '（' + c.turns + '轮）');
        if (c.id === conversation) o.selected = true;
        select.append(o);
      });
    }).catch(Z.fail);
  }

  function reopen(id) {
    return Z.api('/ask/conversations/' + encodeURIComponent(id)).then(function (c) {
      setConversation(c.id);
      var messages = Z.clear(document.getElementById('messages'));
      c.history.forEach(function (t) {
        messages.append(el('div', { class: 'msg user' }, t.question));
        var box = el('div', { class: 'msg assistant' });
        if (t.answer) renderAnswer(box, t.answer, t.seq); else box.append(el('p', { class: 'muted' }, '（无回答记录）'));
        messages.append(box);
      });
      renderChips(c.subject_chips);
      messages.scrollTop = messages.scrollHeight;
    }).catch(function (err) {
      setConversation(null);
      Z.fail(err);
    });
  }

  /* The choices of an ask-back: each asks its completed question. */
  function optionButtons(options) {
    if (!options || !options.length) return null;
    return el('div', { class: 'ask-options', 'aria-label': '请选择' }, options.map(function (o) {
      return el('button', { type: 'button', class: 'chip option', title: o.question, onclick: function () { ask(o.question); } }, o.label);
    }));
  }

  /* 👍 / 👎 on one answer; a 👎 asks for its reason before it is stored. */
  function feedbackBar(turn) {
    if (turn === null || turn === undefined || !conversation) return null;
    var id = conversation;
    var status = el('span', { class: 'feedback-status muted' });
    var reason = el('input', { type: 'text', class: 'feedback-reason', maxlength: 2000, placeholder: '哪里不对？（必填）', hidden: true, 'aria-label': '👎 的理由' });
    var send = el('button', { type: 'button', class: 'btn feedback-send', hidden: true }, '提交');
    function rate(rating, why) {
      return Z.api('/ask/feedback', { method: 'POST', json: { conversation_id: id, turn: turn, rating: rating, reason: why || null } })
        .then(function () {
          status.textContent = rating > 0 ? '已记录 👍' : '已记录 👎，谢谢指正';
          reason.hidden = true; send.hidden = true;
        }).catch(function (err) { status.textContent = err.message; });
    }
    send.addEventListener('click', function () {
      var why = reason.value.trim();
      if (!why) { status.textContent = '请写明理由'; reason.focus(); return; }
      rate(-1, why);
    });
    reason.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.isComposing) { e.preventDefault(); send.click(); } });
    return el('div', { class: 'feedback', dataset: { turn: turn } },
      el('button', { type: 'button', class: 'btn-link feedback-up', title: '回答有用', onclick: function () { rate(1); } }, '👍'),
      el('button', { type: 'button', class: 'btn-link feedback-down', title: '回答有误', onclick: function () {
        reason.hidden = false; send.hidden = false; status.textContent = ''; reason.focus(); } }, '👎'),
      reason, send, status);
  }

  function renderAnswer(box, answer, turn) {
    Z.clear(box);
    box.dataset.kind = answer.kind;
    box.append(textWithCitations(answer.text, answer.citations));
    var options = optionButtons(answer.options);
    if (options) box.append(options);
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
    var bar = feedbackBar(turn);
    if (bar) box.append(bar);
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
        var isNew = data.conversation_id !== conversation;
        setConversation(data.conversation_id);
        renderAnswer(box, data, data.turn);
        renderChips(data.subject_chips);
        if (isNew) loadList();
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
      setConversation(null);
      renderChips([]);
      document.getElementById('conversations').value = '';
      Z.clear(document.getElementById('messages')).append(el('p', { class: 'muted hint' }, '新对话已开始。'));
      document.getElementById('passage').hidden = true;
    });
    document.getElementById('conversations').addEventListener('change', function (e) {
      if (e.target.value) reopen(e.target.value);
    });
    document.getElementById('export-chat').addEventListener('click', function () {
      if (!conversation) return;
      Z.download('/ask/conversations/' + encodeURIComponent(conversation) + '/export.md', '对话.md').catch(Z.fail);
    });
    document.getElementById('rename-chat').addEventListener('click', function () {
      if (!conversation) return;
      var title = window.prompt('对话名称', '');
      if (!title || !title.trim()) return;
      Z.api('/ask/conversations/' + encodeURIComponent(conversation), { method: 'PATCH', json: { title: title.trim() } })
        .then(loadList).catch(Z.fail);
    });
    document.getElementById('passage-close').addEventListener('click', function () { document.getElementById('passage').hidden = true; });
    var q = Z.param('q'), c = Z.param('c');
    conversation = c || null;
    loadList();
    if (c) reopen(c).then(function () { if (q) ask(q); });
    else if (q) ask(q);
  });
})();
