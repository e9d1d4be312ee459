/* 审核意见 / 年度报告: generate a draft, edit its paragraphs, exclude findings, save as a new
 * version, switch versions, download Word. */
(function () {
  'use strict';
  var el = Z.el;
  var current = null; // the DraftVersionOut shown

  var EDITABLE = { title: 1, subtitle: 1, addressee: 1, heading1: 1, heading2: 1, para: 1, item: 1, closing: 1, note: 1, issuer: 1, date: 1 };
  var KIND_TEXT = { title: '标题', subtitle: '副标题', addressee: '主送', heading1: '一级标题', heading2: '二级标题',
    para: '段落', item: '条目', closing: '结束语', note: '说明', issuer: '落款', date: '日期', table: '表格' };

  function keyPath(key) { return '/drafts/' + encodeURIComponent(key); }

  function showTab(which) {
    var review = which === 'review';
    document.getElementById('tab-review').classList.toggle('active', review);
    document.getElementById('tab-annual').classList.toggle('active', !review);
    document.getElementById('tab-review').setAttribute('aria-selected', review);
    document.getElementById('tab-annual').setAttribute('aria-selected', !review);
    document.getElementById('review-form').hidden = !review;
    document.getElementById('annual-form').hidden = review;
  }

  function blockView(b) {
    var wrap = el('div', { class: 'block', dataset: { key: b.key, kind: b.kind } });
    var label = el('div', { class: 'block-label' }, el('span', null, KIND_TEXT[b.kind] || b.kind),
      b.edited ? el('span', null, '已人工修改' + (b.edited_by ? '（' + b.edited_by + '）' : '')) : null);
    var bad = current.unsupported[b.key];
    if (b.kind === 'table' && b.rows) {
      wrap.append(label, b.text ? el('div', { class: 'heading' }, b.text) : null,
        el('table', { class: 'grid' }, el('thead', null, el('tr', null, b.rows[0].map(function (c) { return el('th', null, c); }))),
          el('tbody', null, b.rows.slice(1).map(function (r) { return el('tr', null, r.map(function (c) { return el('td', null, c); })); }))));
      return wrap;
    }
    if (!EDITABLE[b.kind]) { wrap.append(label, el('p', null, b.text)); return wrap; }
    var area = el('textarea', { class: 'block-text', 'aria-label': (KIND_TEXT[b.kind] || '') + ' ' + b.key, dataset: { key: b.key, original: b.text } });
    area.value = b.text;
    area.rows = Math.max(1, Math.min(14, Math.ceil(b.text.length / 75) + (b.text.match(/\n/g) || []).length));
    wrap.append(label, area);
    if (b.role === 'problem' && current.draft.kind === 'review') {
      var fid = b.key.indexOf('problem:') === 0 ? b.key.slice(8) : null;
      if (fid) {
        wrap.append(el('label', { class: 'check' }, el('input', { type: 'checkbox', class: 'exclude', dataset: { finding: fid } }), ' 排除此条审核发现（误报）'));
      }
    }
    if (bad && bad.length) wrap.append(el('div', { class: 'unsupported' }, '数字无依据：' + bad.join('、')));
    return wrap;
  }

  function render(v) {
    current = v;
    var d = v.draft;
    document.getElementById('draft').hidden = false;
    document.getElementById('draft-title').textContent = d.title;
    document.getElementById('draft-meta').textContent = '第 ' + v.version + ' 版 · ' + v.editor + ' · ' +
      new Date(v.created_at).toLocaleString('zh-CN') + ' · ' + ({ generated: '生成', regenerated: '重新生成', edited: '修改', excluded: '排除审核发现', polished: '润色' }[v.action] || v.action) +
      (v.excluded.length ? ' · 已排除 ' + v.excluded.length + ' 条审核发现' : '') + (d.meta.conclusion ? ' · 结论：' + d.meta.conclusion : '');
    var notes = Z.clear(document.getElementById('draft-notes'));
    d.notes.forEach(function (n) { notes.append(el('li', null, n)); });
    var blocks = Z.clear(document.getElementById('draft-blocks'));
    d.blocks.forEach(function (b) { blocks.append(blockView(b)); });
    if (v.excluded.length) {
      blocks.append(el('div', { class: 'block' }, el('div', { class: 'block-label' }, '已排除的审核发现'),
        v.excluded.map(function (fid) {
          return el('label', { class: 'check' }, el('input', { type: 'checkbox', class: 'include', dataset: { finding: fid } }), ' 恢复 ' + fid);
        })));
    }
    return loadVersions(v);
  }

  function loadVersions(v) {
    return Z.api(keyPath(v.key) + '/versions').then(function (list) {
      var select = Z.clear(document.getElementById('draft-versions'));
      list.slice().reverse().forEach(function (x) {
        select.append(el('option', { value: x.version }, '第' + x.version + '版（' + x.editor + '）'));
      });
      select.value = String(v.version);
    });
  }

  function save() {
    if (!current) return;
    var edits = {};
    document.querySelectorAll('#draft-blocks textarea.block-text').forEach(function (area) {
      if (area.value !== area.dataset.original) edits[area.dataset.key] = area.value;
    });
    var exclude = [], include = [];
    document.querySelectorAll('#draft-blocks input.exclude:checked').forEach(function (c) { exclude.push(c.dataset.finding); });
    document.querySelectorAll('#draft-blocks input.include:checked').forEach(function (c) { include.push(c.dataset.finding); });
    if (!Object.keys(edits).length && !exclude.length && !include.length) { Z.toast('没有修改', 'error'); return; }
    var latest = Number(document.getElementById('draft-versions').options[0].value);
    Z.api(keyPath(current.key), { method: 'PUT', json: { edits: edits, exclude: exclude, include: include, base_version: latest } })
      .then(function (v) { Z.toast('已保存为第 ' + v.version + ' 版', 'ok'); return render(v); })
      .catch(Z.fail);
  }

  var LETTERHEAD = ['issuer', 'addressee', 'doc_number', 'date', 'cc'];

  function letterhead() {
    var out = {};
    LETTERHEAD.forEach(function (k) { out[k] = document.getElementById('lh-' + k).value.trim(); });
    return out;
  }

  function loadLetterhead() {
    return Z.api('/drafts/letterhead').then(function (saved) {
      LETTERHEAD.forEach(function (k) { document.getElementById('lh-' + k).value = saved[k] || ''; });
    }).catch(function () {});
  }

  function generate(path, body, button) {
    body.letterhead = letterhead();
    if (path.indexOf('/drafts/review/') === 0) body.annex = document.getElementById('lh-annex').checked;
    button.disabled = true;
    return Z.api(path, { json: body }).then(render).catch(Z.fail).then(function () { button.disabled = false; });
  }

  function loadSubmissions(selected) {
    return Z.api('/submissions?severity=info&size=200&sort=-errors').then(function (warn) {
      return Z.api('/submissions?size=200&sort=-updated').then(function (all) {
        var select = Z.clear(document.getElementById('review-sub'));
        var seen = {};
        warn.items.concat(all.items).forEach(function (s) {
          if (seen[s.id]) return;
          seen[s.id] = 1;
          var c = s.counts;
          select.append(el('option', { value: s.id }, (s.unit || '') + ' · ' + (s.file_name || s.id) + '（错误' + c.error + ' 警告' + c.warning + ' 提示' + c.info + '）'));
        });
        if (selected) {
          if (!seen[selected]) select.append(el('option', { value: selected }, selected));
          select.value = selected;
        }
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!Z.token()) return;
    loadLetterhead();
    document.getElementById('tab-review').addEventListener('click', function () { showTab('review'); });
    document.getElementById('tab-annual').addEventListener('click', function () { showTab('annual'); });
    document.getElementById('review-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var sid = document.getElementById('review-sub').value;
      if (!sid) { Z.toast('请选择材料', 'error'); return; }
      generate('/drafts/review/' + encodeURIComponent(sid), {}, document.getElementById('review-generate'));
    });
    var scope = document.getElementById('annual-scope');
    scope.addEventListener('change', function () { document.getElementById('annual-name').hidden = scope.value === 'all'; });
    document.getElementById('annual-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var year = document.getElementById('annual-year').value;
      if (!year) { Z.toast('还没有材料，无法起草年度报告', 'error'); return; }
      generate('/drafts/annual', { year: Number(year), scope: scope.value, name: document.getElementById('annual-name').value || null },
        document.getElementById('annual-generate'));
    });
    document.getElementById('draft-save').addEventListener('click', save);
    document.getElementById('draft-docx').addEventListener('click', function () {
      if (!current) return;
      var version = document.getElementById('draft-versions').value;
      Z.download(keyPath(current.key) + '/docx?version=' + encodeURIComponent(version), '稿件.docx')
        .then(function (name) { Z.toast('已下载 ' + name, 'ok'); }).catch(Z.fail);
    });
    document.getElementById('draft-versions').addEventListener('change', function () {
      Z.api(keyPath(current.key) + '?version=' + encodeURIComponent(this.value)).then(function (v) {
        current = v;
        var keep = document.getElementById('draft-versions').value;
        render(v).then(function () { document.getElementById('draft-versions').value = keep; });
      }).catch(Z.fail);
    });
    var sid = Z.param('submission');
    Z.years().then(function (data) { Z.fillYears(document.getElementById('annual-year'), data.years); }).catch(Z.fail);
    loadSubmissions(sid).then(function () {
      if (sid) generate('/drafts/review/' + encodeURIComponent(sid), {}, document.getElementById('review-generate'));
    }).catch(Z.fail);
    if (Z.param('tab') === 'annual') showTab('annual');
  });
})();
