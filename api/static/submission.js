/* 提交详情: the recognised form as tables (each cell carries data-field="evaluations[0]…"),
 * flagged cells highlighted, the findings beside it; clicking a finding scrolls to its cell.
 * The review: the state with its allowed moves, the reviewer and due date, findings grouped by
 * rule (sorted by severity then position, filtered by decision) with decide buttons and keys
 * (j/k move, c 确认, f 误报 with a reason, x 已整改, o 待定), and the audit log. */
(function () {
  'use strict';
  var el = Z.el;
  var sid = document.getElementById('sub-head').dataset.sid;
  var detail = null;
  var activeId = null;  // the finding the keys act on, kept across reloads
  var DECISION = { open: '待定', confirmed: '确认', false_positive: '误报', fixed: '已整改' };
  var KEYS = { c: 'confirmed', f: 'false_positive', x: 'fixed', o: 'open' };

  function v(x) {
    if (x === null || x === undefined || x === '') return '';
    if (typeof x === 'object' && 'raw' in x) return x.raw || '';
    // a form's number as written (387664.62, 1234567.5): JSON carries the shortest exact form, no rounding
    if (typeof x === 'number') return String(x);
    return String(x);
  }

  /* A table cell bound to a field path. */
  function cell(field, value, tag) {
    return el(tag || 'td', { dataset: { field: field }, class: 'field' }, v(value));
  }
  function labelled(label, field, value, span) {
    return el('tr', null, el('th', { scope: 'row' }, label), el('td', { dataset: { field: field }, class: 'field', colspan: span || 1 }, v(value)));
  }

  function evaluationView(ev, i) {
    var p = 'evaluations[' + i + ']';
    var box = el('section', { class: 'evaluation', dataset: { field: p } });
    var title = ev.kind === 'department' ? '部门整体支出绩效自评表' : '项目支出绩效自评表';
    box.append(el('h2', null, title + (ev.project_name ? '：' + ev.project_name : '')));

    box.append(el('table', { class: 'form-table' }, el('tbody', null,
      labelled('项目名称', p + '.project_name', ev.project_name),
      ev.project_code ? labelled('项目编码', p + '.project_code', ev.project_code) : null,
      labelled('主管部门', p + '.department', ev.department),
      labelled('实施单位', p + '.impl_unit', ev.impl_unit),
      labelled('年度', p + '.year', ev.year))));

    var f = ev.funds || { rows: [] };
    var fp = p + '.funds';
    var funds = el('table', { class: 'form-table funds', dataset: { field: fp } },
      el('caption', null, '项目资金（单位：' + (f.unit || '万元') + '）'),
      el('thead', null, el('tr', null, el('th', null, '资金来源'), el('th', null, '年初预算数'),
        el('th', null, '全年预算数'), el('th', null, '全年执行数'))));
    var tbody = el('tbody');
    (f.rows || []).forEach(function (row, k) {
      var rp = fp + '.rows[' + k + ']';
      tbody.append(el('tr', { dataset: { field: rp } }, cell(rp + '.name', row.name, 'th'),
        cell(rp + '.budget_initial', row.budget_initial), cell(rp + '.budget_full_year', row.budget_full_year),
        cell(rp + '.exec_amount', row.exec_amount)));
    });
    tbody.append(el('tr', null, el('th', null, '分值 / 执行率 / 得分'), cell(fp + '.weight', f.weight),
      cell(fp + '.rate', f.rate), cell(fp + '.score', f.score)));
    if (f.reason) tbody.append(el('tr', null, el('th', null, '偏差原因'), el('td', { colspan: 3, class: 'field', dataset: { field: fp + '.reason' } }, f.reason)));
    if (f.adjust_reason) tbody.append(el('tr', null, el('th', null, '预算调整原因'), el('td', { colspan: 3, class: 'field', dataset: { field: fp + '.adjust_reason' } }, f.adjust_reason)));
    funds.append(tbody);
    box.append(funds);

    box.append(el('table', { class: 'form-table goals' },
      el('thead', null, el('tr', null, el('th', null, '年度总体目标（预期）'), el('th', null, '实际完成情况'))),
      el('tbody', null, el('tr', null, cell(p + '.goal_planned', ev.goal_planned), cell(p + '.goal_achieved', ev.goal_achieved)))));

    var ip = p + '.indicators';
    var inds = el('table', { class: 'form-table indicators', dataset: { field: ip } },
      el('caption', null, '绩效指标'),
      el('thead', null, el('tr', null, ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施']
        .map(function (h) { return el('th', null, h); }))));
    var ib = el('tbody');
    (ev.indicators || []).forEach(function (ind, j) {
      var q = ip + '[' + j + ']';
      ib.append(el('tr', { dataset: { field: q } },
        cell(q + '.level1', ind.level1), cell(q + '.level2', ind.level2), cell(q + '.name', ind.name),
        cell(q + '.target', ind.target), cell(q + '.actual', ind.actual), cell(q + '.weight', ind.weight),
        cell(q + '.score', ind.score), cell(q + '.deviation_reason', ind.deviation_reason)));
    });
    if (!(ev.indicators || []).length) ib.append(el('tr', null, el('td', { colspan: 8, class: 'muted' }, '未识别到绩效指标')));
    inds.append(ib);
    box.append(inds);

    var signatures = Object.keys(ev.signatures || {}).map(function (k) { return k + '：' + ev.signatures[k]; }).join('；');
    box.append(el('table', { class: 'form-table' }, el('tbody', null,
      labelled('总分', p + '.total_score', ev.total_score),
      labelled('评价等级', p + '.grade', ev.grade),
      ev.conclusion ? labelled('评价结论', p + '.conclusion', ev.conclusion) : null,
      ev.problems ? labelled('存在的问题', p + '.problems', ev.problems) : null,
      ev.measures ? labelled('改进措施', p + '.measures', ev.measures) : null,
      labelled('签章', p + '.signatures', signatures))));
    return box;
  }

  function sectionsView(sections) {
    var box = el('section', { class: 'sections', dataset: { field: 'sections' } }, el('h2', null, '自评报告正文'));
    sections.forEach(function (s, i) {
      var para = s.location && s.location.paragraph !== null && s.location.paragraph !== undefined ? String(s.location.paragraph) : null;
      var page = s.location && s.location.page ? String(s.location.page) : null;
      box.append(el('div', { class: 'section field', 'data-field': 'sections[' + i + ']', 'data-paragraph': para, 'data-page': page },
        s.path && s.path.length ? el('h3', null, s.path.join(' › ')) : null,
        el('p', { class: 'section-text' }, s.text)));
    });
    return box;
  }

  /* The element for a field path: the exact cell, else its nearest rendered ancestor path. */
  function findField(field) {
    var path = field || '';
    while (path) {
      var node = document.querySelector('[data-field="' + CSS.escape(path) + '"]');
      if (node) return node;
      var cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      if (cut <= 0) break;
      path = path.slice(0, cut);
    }
    return null;
  }

  /* A finding's element: its field; a report-level finding ("sections") goes to the section
   * holding its paragraph (the last section starting at or before it). */
  function findTarget(loc) {
    if ((loc.field === 'sections' || !loc.field) && loc.paragraph !== null && loc.paragraph !== undefined) {
      var best = null;
      document.querySelectorAll('.section[data-paragraph]').forEach(function (n) {
        var p = Number(n.dataset.paragraph);
        if (p <= loc.paragraph && (!best || p >= Number(best.dataset.paragraph))) best = n;
      });
      if (best) return best;
    }
    return findField(loc.field);
  }

  /* A finding and every place it lists (the rows of a folded pattern, the findings merged into
   * it), each as {severity, rule, message, location}: each of their cells is flagged. */
  function places(findings) {
    var out = [];
    findings.forEach(function (f) {
      out.push(f);
      (f.occurrences || []).forEach(function (o) {
        out.push({ severity: f.severity, rule: o.rule || f.rule, message: o.message || f.message, location: o.location });
      });
    });
    return out;
  }

  function highlight(findings) {
    places(findings).forEach(function (f) {
      var node = findTarget(f.location);
      if (!node) return;
      var rank = Z.SEVERITY_RANK[f.severity] || 0;
      if (rank > Number(node.dataset.rank || 0)) {
        node.dataset.rank = rank;
        node.classList.remove('flag-error', 'flag-warning', 'flag-info');
        node.classList.add('flag-' + f.severity);
      }
      node.classList.add('flagged');
      var title = (node.getAttribute('title') ? node.getAttribute('title') + '\n' : '') + f.rule + ' ' + f.message;
      node.setAttribute('title', title);
    });
  }

  function focusField(field, loc) {
    var node = loc ? findTarget(loc) : findField(field);
    if (!node) { Z.toast('表中没有找到对应位置：' + (field || '（无）'), 'error'); return null; }
    document.querySelectorAll('.focus').forEach(function (n) { n.classList.remove('focus'); });
    node.classList.add('focus');
    node.scrollIntoView({ block: 'center', behavior: 'smooth' });
    return node;
  }

  function findingView(f) {
    var item = el('li', { class: 'finding ' + f.severity + ' decision-' + f.decision, tabindex: 0, role: 'button',
      dataset: { field: f.location.field || '', id: f.id || '', rule: f.rule, decision: f.decision },
      'aria-label': Z.SEVERITY[f.severity] + ' ' + f.rule_title + ' ' + DECISION[f.decision] },
      el('div', { class: 'finding-head' }, el('span', { class: 'badge ' + f.severity }, f.severity_text),
        el('span', { class: 'decision-badge ' + f.decision }, f.decision_text),
        el('span', { class: 'muted' }, f.location_text)),
      el('p', { class: 'message' }, f.message),
      f.project ? el('p', { class: 'where muted' }, f.project) : null,
      f.evidence ? el('p', { class: 'evidence' }, el('span', { class: 'k' }, '原文：'), f.evidence) : null,
      f.suggestion ? el('p', { class: 'fix' }, el('span', { class: 'k' }, '建议：'), f.suggestion) : null,
      f.source ? el('p', { class: 'source muted' }, el('span', { class: 'k' }, '依据：'), f.source) : null,
      f.decision !== 'open' ? el('p', { class: 'decided muted' }, DECISION[f.decision] + '：' + (f.decided_by || '') +
        (f.decision_reason ? '，理由：' + f.decision_reason : '') + (f.decision_comment ? '，备注：' + f.decision_comment : '')) : null,
      occurrencesView(f),
      previewable() && f.id
        ? el('button', { type: 'button', class: 'btn-link preview-link', onclick: function (e) { e.stopPropagation(); openPreview(f); } },
          f.location.page && detail.provenance.format === 'pdf' ? '原件第 ' + f.location.page + ' 页' : '原件')
        : null,
      decideBar(f));
    function go() {
      activate(item);
      focusField(f.location.field, f.location);
    }
    item.addEventListener('click', go);
    item.addEventListener('keydown', function (e) {
      if (e.target !== item) return;
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); }
    });
    return item;
  }

  /* 确认 / 误报 / 已整改 / 待定 for one finding; 误报 opens a reason box first. */
  function decideBar(f) {
    var bar = el('div', { class: 'decide' });
    ['confirmed', 'false_positive', 'fixed', 'open'].forEach(function (d) {
      if (d === f.decision) return;
      bar.append(el('button', { type: 'button', class: 'btn small decide-' + d, dataset: { decision: d },
        onclick: function (e) { e.stopPropagation(); d === 'false_positive' ? askReason(bar, f) : decide(f, d, null); } },
        d === 'open' ? '改回待定' : DECISION[d]));
    });
    bar.addEventListener('click', function (e) { e.stopPropagation(); });
    return bar;
  }

  /* The reason box of 误报 under ``bar``: ``send(reason)`` once a reason is written. */
  function askReason(bar, f, send) {
    var existing = bar.querySelector('.reason-form');
    if (existing) { existing.querySelector('input').focus(); return; }
    var input = el('input', { type: 'text', class: 'reason-input', maxlength: 1000, placeholder: '误报理由（必填）', 'aria-label': '误报理由' });
    var form = el('form', { class: 'reason-form' }, input, el('button', { type: 'submit', class: 'btn small primary' }, '标为误报'),
      el('button', { type: 'button', class: 'btn-link', onclick: function () { form.remove(); } }, '取消'));
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!input.value.trim()) { Z.toast('标记为误报须填写理由', 'error'); input.focus(); return; }
      if (send) send(input.value.trim());
      else decide(f, 'false_positive', input.value.trim());
    });
    form.addEventListener('click', function (e) { e.stopPropagation(); });
    input.addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.preventDefault(); form.remove(); } });
    bar.append(form);
    input.focus();
  }

  function decide(f, decision, reason) {
    activeId = f.id;
    return Z.api('/findings/' + encodeURIComponent(f.id) + '/decision', {
      method: 'POST', json: { decision: decision, reason: reason, version: f.version }
    }).then(function (r) {
      Z.toast('已标为“' + r.decision_text + '”', 'ok');
      return load();
    }).catch(function (err) { Z.fail(err); if (err.status === 409) load(); });
  }

  /* --- findings grouped by rule ------------------------------------------------------------ */

  function position(f) {
    var l = f.location || {};
    return [l.page || 0, l.table === null || l.table === undefined ? 9999 : l.table, l.row || 0, l.col || 0, l.paragraph || 0];
  }
  function byPosition(a, b) {
    var p = position(a), q = position(b);
    for (var i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i] - q[i];
    return 0;
  }
  function rank(sev) { return Z.SEVERITY_RANK[sev] || 0; }

  /* One group per rule, the most severe first, then by where it first occurs. */
  function groupByRule(findings) {
    var groups = {}, order = [];
    findings.forEach(function (f) {
      var g = groups[f.rule];
      if (!g) { g = groups[f.rule] = { rule: f.rule, title: f.rule_title, severity: f.severity, items: [] }; order.push(g); }
      if (rank(f.severity) > rank(g.severity)) g.severity = f.severity;
      g.items.push(f);
    });
    order.forEach(function (g) { g.items.sort(byPosition); });
    order.sort(function (a, b) { return rank(b.severity) - rank(a.severity) || byPosition(a.items[0], b.items[0]); });
    return order;
  }

  function shown(f, filter) {
    if (filter === 'all') return true;
    if (filter === 'counted') return f.decision !== 'false_positive';
    return f.decision === filter;
  }

  function renderFindings() {
    var filter = document.getElementById('finding-filter').value;
    var list = Z.clear(document.getElementById('finding-list'));
    var visible = detail.findings.filter(function (f) { return shown(f, filter); });
    groupByRule(visible).forEach(function (g) {
      var places = g.items.reduce(function (n, f) { return n + Math.max(1, (f.occurrences || []).filter(function (o) { return !o.rule; }).length); }, 0);
      var items = el('ol', { class: 'group-items' });
      g.items.forEach(function (f) { items.append(findingView(f)); });
      var head = el('div', { class: 'group-head' }, el('span', { class: 'badge ' + g.severity }, Z.SEVERITY[g.severity]),
        el('strong', null, g.title), el('code', null, g.rule),
        el('span', { class: 'muted group-count' }, g.items.length + ' 条' + (places > g.items.length ? '，' + places + ' 处' : '')));
      if (g.items.length > 1) head.append(groupBar(g));
      list.append(el('li', { class: 'rule-group ' + g.severity, dataset: { rule: g.rule } }, head, items));
    });
    if (!visible.length) list.append(el('li', { class: 'muted' }, detail.findings.length ? '没有符合筛选的审核发现。' : '未发现问题。'));
    var again = activeId && list.querySelector('.finding[data-id="' + CSS.escape(activeId) + '"]');
    if (again) activate(again, true);
  }

  /* The same decision on every finding of a rule in this submission (a batch of one). */
  function groupBar(g) {
    var bar = el('div', { class: 'decide group-decide' });
    function send(decision, reason) {
      Z.api('/review/batch', { method: 'POST', json: { submission_ids: [sid], action: 'decide', rule: g.rule,
        decision: decision, reason: reason } }).then(function (r) {
        var item = r.items[0];
        if (!item.ok) { Z.toast(item.message, 'error'); return; }
        Z.toast('本规则 ' + item.changed + ' 条已标为“' + DECISION[decision] + '”', 'ok');
        return load();
      }).catch(Z.fail);
    }
    bar.append(el('button', { type: 'button', class: 'btn small', dataset: { decision: 'confirmed' },
      onclick: function (e) { e.stopPropagation(); send('confirmed', null); } }, '本规则全部确认'));
    bar.append(el('button', { type: 'button', class: 'btn small', dataset: { decision: 'false_positive' },
      onclick: function (e) { e.stopPropagation(); askReason(bar, null, function (reason) { send('false_positive', reason); }); } },
      '本规则全部误报'));
    return bar;
  }

  function activate(item, quiet) {
    document.querySelectorAll('.finding.active').forEach(function (n) { n.classList.remove('active'); });
    item.classList.add('active');
    activeId = item.dataset.id;
    if (!quiet) item.focus({ preventScroll: true });
    item.scrollIntoView({ block: 'nearest' });
  }

  function findingById(id) {
    return detail.findings.filter(function (f) { return f.id === id; })[0] || null;
  }

  /* j/k move through the visible findings; c/f/x/o decide the active one. */
  function onKey(e) {
    var tag = (e.target.tagName || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || e.ctrlKey || e.metaKey || e.altKey || !detail) return;
    if (document.getElementById('preview').open) return;  // no decision on a finding hidden behind the preview
    var items = Array.prototype.slice.call(document.querySelectorAll('#finding-list .finding'));
    if (!items.length) return;
    var at = items.findIndex(function (n) { return n.classList.contains('active'); });
    if (e.key === 'j' || e.key === 'k') {
      e.preventDefault();
      var next = at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + (e.key === 'j' ? 1 : -1)));
      activate(items[next]);
      var f = findingById(items[next].dataset.id);
      if (f) focusField(f.location.field, f.location);
      return;
    }
    if (KEYS[e.key] && at >= 0) {
      e.preventDefault();
      var found = findingById(items[at].dataset.id);
      if (!found || found.decision === KEYS[e.key]) return;
      if (KEYS[e.key] === 'false_positive') askReason(items[at].querySelector('.decide'), found);
      else decide(found, KEYS[e.key], null);
    }
  }

  /* The rows a folded finding lists and the findings merged into it; clicking one goes to its cell. */
  function occurrencesView(f) {
    var occ = f.occurrences || [];
    if (!occ.length) return null;
    var own = occ.filter(function (o) { return !o.rule; }).length;
    var label = own ? '出现位置（' + own + ' 处）' : '同处另有 ' + (occ.length) + ' 条发现';
    if (own && own < occ.length) label += '，同处另有 ' + (occ.length - own) + ' 条发现';
    var list = el('ul', { class: 'occurrences' });
    occ.forEach(function (o) {
      var li = el('li', { tabindex: 0, role: 'button', dataset: { field: o.location.field || '' } },
        el('span', { class: 'muted' }, o.location_text + ' '),
        o.rule ? el('code', null, o.rule + ' ' + (o.rule_title || '')) : null,
        o.message ? el('span', null, ' ' + o.message) : null);
      function go(e) { e.stopPropagation(); focusField(o.location.field, o.location); }
      li.addEventListener('click', go);
      li.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(e); } });
      list.append(li);
    });
    var box = el('details', { class: 'occurrences-box' }, el('summary', null, label), list);
    box.addEventListener('click', function (e) { e.stopPropagation(); });
    return box;
  }

  // formats the preview draws (ingest/preview.py): Word and Excel as tables, a PDF as its page's image
  var PREVIEW_FORMATS = ['docx', 'xlsx', 'doc', 'wps', 'xls', 'et', 'pdf'];

  function previewable() {
    return !!detail.provenance.original_url && PREVIEW_FORMATS.indexOf(detail.provenance.format) >= 0;
  }

  function openPreview(f) {
    var params = new URLSearchParams({ finding: f.id });
    if (f.location.page) params.set('page', f.location.page);
    var url = '/api/v1/submissions/' + encodeURIComponent(detail.summary.id) + '/preview?' + params + '#hit';
    var dialog = document.getElementById('preview');
    document.getElementById('preview-place').textContent = f.location_text || '';
    document.getElementById('preview-new').href = url;
    // shown before the frame loads: a frame in a closed dialog has no size, and would not scroll to #hit
    if (!dialog.open) dialog.showModal();
    document.getElementById('preview-frame').src = url;
  }

  function openOriginal(page) {
    var url = detail.provenance.original_url;
    if (!url) { Z.toast('没有保存原始文件', 'error'); return; }
    if (detail.provenance.format === 'pdf') Z.openBlob(url, page ? '#page=' + page : '').catch(Z.fail);
    else Z.download(url, detail.provenance.file_name).catch(Z.fail);
  }

  function render(data) {
    detail = data;
    var s = data.summary, sub = data.submission;
    document.title = (s.file_name || s.id) + ' · 提交详情 · 自评审核助手';
    document.getElementById('sub-title').textContent = s.file_name || s.id;
    document.getElementById('sub-meta').textContent = [s.kind_text, s.unit, s.department && s.department !== s.unit ? s.department : null,
      s.year ? s.year + '年度' : null, s.status_text, '编号 ' + s.id].filter(Boolean).join(' · ');
    var status = document.getElementById('sub-status');
    status.hidden = !s.status_reason;
    status.textContent = s.status_reason ? '说明：' + s.status_reason : '';
    document.getElementById('draft-link').href = '/drafts?submission=' + encodeURIComponent(s.id);
    var hasOriginal = !!data.provenance.original_url;
    document.getElementById('open-original').hidden = !hasOriginal || data.provenance.format !== 'pdf';
    document.getElementById('download-original').hidden = !hasOriginal;
    var user = Z.user();
    document.getElementById('delete').hidden = !(user && user.role === 'admin');

    var view = Z.clear(document.getElementById('form-view'));
    (sub.evaluations || []).forEach(function (ev, i) { view.append(evaluationView(ev, i)); });
    if ((sub.sections || []).length) view.append(sectionsView(sub.sections));
    if (!(sub.evaluations || []).length && !(sub.sections || []).length) view.append(el('p', { class: 'muted' }, '没有识别出表格或正文。'));
    view.append(el('p', { class: 'provenance muted' }, '来源：' + (data.provenance.file_name || '') + '，' + (data.provenance.format || '').toUpperCase() +
      (data.provenance.pages ? '，' + data.provenance.pages + ' 页' : '') + (data.provenance.scanned ? '（扫描件，经 OCR 识别）' : '') +
      '；SHA-256 ' + (data.provenance.sha256 || '').slice(0, 16) + '…；可检索片段 ' + data.provenance.chunks + ' 段（已向量化 ' + data.provenance.embedded + ' 段）'));

    renderFindings();
    var c = s.counts, d = s.decisions;
    document.getElementById('finding-counts').textContent = '错误 ' + c.error + ' · 警告 ' + c.warning + ' · 提示 ' + c.info;
    document.getElementById('decision-counts').textContent = '待定 ' + d.open + ' · 确认 ' + d.confirmed + ' · 误报 ' +
      d.false_positive + ' · 已整改 ' + d.fixed;
    highlight(data.findings.filter(function (f) { return f.decision !== 'false_positive'; }));
    renderReview(data);

    var hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get('field')) setTimeout(function () { focusField(hash.get('field')); }, 50);
    document.dispatchEvent(new CustomEvent('ziping:rendered', { detail: data }));  // review_read.js
  }

  /* --- state, reviewer, audit log ---------------------------------------------------------- */

  function renderReview(data) {
    var s = data.summary;
    var badge = document.getElementById('state-badge');
    badge.textContent = s.state_text;
    badge.className = 'state-badge state-' + s.state;
    badge.dataset.state = s.state;
    var moves = Z.clear(document.getElementById('state-moves'));
    data.moves.forEach(function (m) {
      moves.append(el('button', { type: 'button', class: 'btn small move', dataset: { to: m.to },
        title: m.reason_required ? '须填写理由' : '', onclick: function () { move(m); } }, m.label + (m.reason_required ? '*' : '')));
    });
    var who = document.getElementById('assignee');
    if (document.activeElement !== who) who.value = s.assignee || '';
    document.getElementById('due-date').value = s.due_date || '';
  }

  function move(m) {
    var reasonBox = document.getElementById('state-reason');
    var reason = reasonBox.value.trim();
    if (m.reason_required && !reason) { Z.toast('“' + m.label + '”须填写理由', 'error'); reasonBox.focus(); return; }
    Z.api('/submissions/' + encodeURIComponent(sid) + '/state', {
      method: 'POST', json: { state: m.to, reason: reason || null, version: detail.summary.review_version }
    }).then(function (r) {
      reasonBox.value = '';
      Z.toast('审核状态：' + r.state_text, 'ok');
      return load();
    }).catch(function (err) { Z.fail(err); if (err.status === 409) load(); if (err.status === 422) reasonBox.focus(); });
  }

  function assign(e) {
    e.preventDefault();
    var who = document.getElementById('assignee').value.trim();
    var due = document.getElementById('due-date').value;
    Z.api('/submissions/' + encodeURIComponent(sid) + '/assign', {
      method: 'POST', json: { assignee: who || null, due_date: due || null, version: detail.summary.review_version }
    }).then(function (r) {
      Z.toast(r.assignee ? '已分派给 ' + r.assignee : '已取消分派', 'ok');
      return load();
    }).catch(Z.fail);
  }

  function loadEvents() {
    return Z.api('/submissions/' + encodeURIComponent(sid) + '/events').then(function (data) {
      var list = Z.clear(document.getElementById('event-list'));
      data.events.slice().reverse().forEach(function (e) {
        list.append(el('li', { class: 'event kind-' + e.kind, dataset: { kind: e.kind } },
          el('span', { class: 'muted' }, new Date(e.at).toLocaleString('zh-CN', { hour12: false })), ' ',
          el('strong', null, e.actor), ' ', el('span', null, e.summary),
          e.finding_id ? el('span', { class: 'muted' }, '（' + e.finding_id + '）') : null,
          e.reason ? el('div', { class: 'event-reason' }, '理由：' + e.reason) : null));
      });
      if (!data.events.length) list.append(el('li', { class: 'muted' }, '还没有审核记录。'));
    }).catch(Z.fail);
  }

  function load() {
    return Z.api('/submissions/' + encodeURIComponent(sid)).then(function (data) {
      render(data);
      return loadEvents();
    }).catch(function (err) {
      Z.clear(document.getElementById('form-view')).append(el('p', { class: 'error' }, err.message));
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!Z.token()) return;
    document.getElementById('open-original').addEventListener('click', function () { openOriginal(null); });
    document.getElementById('preview-close').addEventListener('click', function () {
      document.getElementById('preview').close();
    });
    document.getElementById('preview').addEventListener('close', function () {
      document.getElementById('preview-frame').removeAttribute('src');
    });
    document.getElementById('download-original').addEventListener('click', function () {
      Z.download(detail.provenance.original_url, detail.provenance.file_name).catch(Z.fail);
    });
    document.getElementById('recheck').addEventListener('click', function () {
      Z.api('/submissions/' + encodeURIComponent(sid) + '/recheck', { method: 'POST' }).then(function (r) {
        Z.toast('已按“' + r.profile + '”口径重新预审：' + r.findings + ' 项发现', 'ok');
        return load();
      }).catch(Z.fail);
    });
    document.getElementById('delete').addEventListener('click', function () {
      if (!window.confirm('确定删除这份材料及其审核发现？此操作不可撤销。')) return;
      Z.api('/submissions/' + encodeURIComponent(sid), { method: 'DELETE' }).then(function () {
        location.href = '/';
      }).catch(Z.fail);
    });
    document.addEventListener('ziping:reload', load);  // after a correction or confirmation
    document.getElementById('finding-filter').addEventListener('change', renderFindings);
    document.getElementById('assign-form').addEventListener('submit', assign);
    document.getElementById('events-csv').addEventListener('click', function () {
      Z.download('/submissions/' + encodeURIComponent(sid) + '/events?format=csv', '审核日志_' + sid + '.csv').catch(Z.fail);
    });
    document.addEventListener('keydown', onKey);
    window.addEventListener('hashchange', function () {
      var field = new URLSearchParams(location.hash.slice(1)).get('field');
      if (field) focusField(field);
    });
    load();
  });
})();
