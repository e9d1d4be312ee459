/* 提交详情, the review of what was read (issue 15 items 2, 3, 5): the read certainty (待核实 amber,
 * 非自评材料 grey) with the confirm button, findings marked as coming from an uncertain read, the
 * corrections form (double-click a cell of the form; the original shown beside it) and the
 * resubmission versions with their diff side by side. The form itself is drawn by submission.js,
 * which fires "ziping:rendered" after each render and reloads on "ziping:reload". */
(function () {
  'use strict';
  var el = Z.el;
  var sid = document.getElementById('sub-head').dataset.sid;
  var base = '/submissions/' + encodeURIComponent(sid);
  var read = null;

  function reload() { document.dispatchEvent(new CustomEvent('ziping:reload')); }

  function when(at) { return at ? new Date(at).toLocaleString('zh-CN', { hour12: false }) : ''; }

  /* --- certainty ------------------------------------------------------------------------- */

  function showCertainty() {
    var box = document.getElementById('read-certainty');
    var badge = document.getElementById('certainty-badge');
    box.hidden = false;
    box.className = 'read-certainty ' + read.certainty;
    badge.className = 'certainty ' + read.certainty;
    badge.textContent = read.certainty_text;
    var note = document.getElementById('certainty-note');
    if (read.certainty === 'uncertain') note.textContent = '读取时不能确定识别结果：请对照原件核实，必要时更正识别值，然后确认。';
    else if (read.certainty === 'not_evaluation') note.textContent = '不是绩效自评材料：已入库可检索，不作审核、不计入统计。';
    else note.textContent = read.confirmed_by ? '已由' + read.confirmed_by + '于' + when(read.confirmed_at) + '核实确认。' : '';
    document.getElementById('confirm-read').hidden = read.certainty !== 'uncertain';
    markFindings();
  }

  /* Every finding of an uncertain read says so (the list is redrawn by submission.js). */
  function markFindings() {
    var uncertain = read && read.certainty === 'uncertain';
    document.querySelectorAll('#finding-list .finding').forEach(function (item) {
      var note = item.querySelector('.uncertain-note');
      if (uncertain && !note) item.append(el('p', { class: 'uncertain-note' }, '来自待核实的识别结果'));
      if (!uncertain && note) note.remove();
    });
  }

  function confirmRead() {
    Z.api(base + '/confirm', { method: 'POST', json: { expected_version: read.review_version } }).then(function () {
      Z.toast('已确认识别结果：待核实 → 已识别', 'ok');
      reload();
    }).catch(Z.fail);
  }

  /* --- corrections ------------------------------------------------------------------------ */

  function showCorrections() {
    var box = document.getElementById('corrections-box');
    box.hidden = read.certainty === 'not_evaluation';
    var table = document.getElementById('correction-table');
    var body = Z.clear(table.querySelector('tbody'));
    table.hidden = !read.corrections.length;
    read.corrections.forEach(function (c) {
      body.append(el('tr', null, el('td', null, el('a', { href: '#field=' + encodeURIComponent(c.field_path) }, el('code', null, c.field_path))),
        el('td', null, c.original_text), el('td', null, c.value_text), el('td', null, c.actor), el('td', null, when(c.at))));
    });
    document.querySelectorAll('.field.corrected').forEach(function (n) { n.classList.remove('corrected'); });
    read.corrections.forEach(function (c) {
      var node = document.querySelector('[data-field="' + CSS.escape(c.field_path) + '"]');
      if (!node) return;
      node.classList.add('corrected');
      node.setAttribute('title', '原识别值：' + c.original_text + '（' + c.actor + ' 更正）');
    });
  }

  function pick(node) {
    var field = node.dataset.field;
    document.getElementById('correct-field').value = field;
    var value = document.getElementById('correct-value');
    value.value = node.textContent.replace(/ ✎$/, '');
    var prior = read.corrections.filter(function (c) { return c.field_path === field; })[0];
    document.getElementById('correct-original').textContent = '原识别值：' + (prior ? prior.original_text : (node.textContent || '（空）'));
    document.getElementById('row-kind').hidden = !/^evaluations\[\d+\]\.indicators\[\d+\]/.test(field);
    document.getElementById('corrections-box').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    value.focus();
    value.select();
  }

  function send(field, value) {
    return Z.api(base + '/corrections', { method: 'POST', json: { field_path: field, value: value, expected_version: read.review_version } })
      .then(function (r) {
        var parts = ['已更正 ' + r.correction.field_path + '：' + r.correction.original_text + ' → ' + r.correction.value_text];
        if (r.findings_resolved.length) parts.push('消除 ' + r.findings_resolved.join('、'));
        if (r.findings_added.length) parts.push('新增 ' + r.findings_added.join('、'));
        Z.toast(parts.join('；'), 'ok');
        reload();
      }).catch(Z.fail);
  }

  function rowOf(field) {
    var m = /^(evaluations\[\d+\]\.indicators\[\d+\])/.exec(field);
    return m ? m[1] : null;
  }

  /* --- versions ------------------------------------------------------------------------------ */

  function findingList(title, findings) {
    return el('div', null, el('h3', null, title + '（' + findings.length + '）'),
      el('ul', null, findings.length ? findings.map(function (f) {
        return el('li', null, el('span', { class: 'badge ' + f.severity }, f.severity_text), ' ', el('code', null, f.rule), ' ', f.message);
      }) : el('li', { class: 'muted' }, '无')));
  }

  function showDiff(d, numbers) {
    function name(id) { return '第' + numbers[id] + '版（' + id + (id === sid ? '，本版本' : '') + '）'; }
    var box = Z.clear(document.getElementById('version-diff'));
    var table = el('table', { class: 'grid diff-table' },
      el('thead', null, el('tr', null, el('th', null, '字段'), el('th', null, name(d.old_id)), el('th', null, name(d.new_id)))));
    var body = el('tbody');
    d.changes.forEach(function (c) {
      body.append(el('tr', null, el('td', null, el('code', null, c.field_path)),
        el('td', { class: 'old' }, c.old === null ? '（无）' : c.old), el('td', { class: 'new' }, c.new === null ? '（无）' : c.new)));
    });
    if (!d.changes.length) body.append(el('tr', null, el('td', { colspan: 3, class: 'muted' }, '填报内容没有改动。')));
    table.append(body);
    box.append(el('h3', null, '改动的字段与单元格'), table,
      el('div', { class: 'diff-findings' }, findingList('已消除的审核发现', d.resolved), findingList('新出现的审核发现', d.new),
        findingList('仍存在的审核发现', d.still_present)));
  }

  /* A unit's corrected file uploaded against this submission becomes its next version. */
  function resubmit(e) {
    e.preventDefault();
    var file = document.getElementById('resubmit-file').files[0];
    if (!file) return;
    var state = document.getElementById('resubmit-state');
    var data = new FormData();
    data.append('files', file);
    data.append('replaces', sid);
    data.append('defer_vectors', 'true');
    state.textContent = '上传中…';
    Z.api('/submissions', { method: 'POST', body: data }).then(function poll(job) {
      if (job.state !== 'done' && job.state !== 'failed') {
        return new Promise(function (r) { setTimeout(r, 500); }).then(function () {
          return Z.api('/jobs/' + encodeURIComponent(job.id));
        }).then(poll);
      }
      var f = job.files[0] || {};
      if (!f.submission_id) throw new Error('重报材料未能入库：' + (f.reason || job.state));
      if (f.submission_id === sid) throw new Error('上传的文件与本材料内容相同');
      location.href = '/submissions/' + encodeURIComponent(f.submission_id);
    }).catch(function (err) { state.textContent = ''; Z.fail(err); });
  }

  function loadVersions() {
    return Z.api(base + '/versions').then(function (v) {
      var box = document.getElementById('versions-box');
      box.hidden = !read || read.certainty === 'not_evaluation';
      Z.clear(document.getElementById('version-list'));
      Z.clear(document.getElementById('version-diff'));
      if (!v.versions.length) return null;
      var list = Z.clear(document.getElementById('version-list'));
      var mine = v.versions.filter(function (x) { return x.submission_id === sid; })[0];
      v.versions.forEach(function (x) {
        var label = '第' + x.number + '版 · ' + (x.file_name || x.submission_id) + ' · ' + when(x.stored_at);
        list.append(el('li', { class: x.submission_id === sid ? 'current' : '' }, x.submission_id === sid ? label + '（本版本）'
          : el('a', { href: '/submissions/' + encodeURIComponent(x.submission_id) }, label)));
      });
      // this version against the one before it; the first version against the second
      var other = mine.previous_id ? null : (v.versions[1] || {}).submission_id;
      var path = other ? '/submissions/' + encodeURIComponent(other) + '/diff?against=' + encodeURIComponent(sid) : base + '/diff';
      var numbers = {};
      v.versions.forEach(function (x) { numbers[x.submission_id] = x.number; });
      return Z.api(path).then(function (d) { showDiff(d, numbers); });
    }).catch(Z.fail);
  }

  function load() {
    return Z.api(base + '/corrections').then(function (r) {
      read = r;
      showCertainty();
      showCorrections();
    }).catch(Z.fail);
  }

  document.addEventListener('ziping:rendered', function () {
    if (read) { markFindings(); showCorrections(); }
    load().then(loadVersions);
  });

  document.addEventListener('DOMContentLoaded', function () {
    if (!Z.token()) return;
    document.getElementById('confirm-read').addEventListener('click', confirmRead);
    document.getElementById('resubmit-form').addEventListener('submit', resubmit);
    document.getElementById('form-view').addEventListener('dblclick', function (e) {
      var node = e.target.closest('[data-field]');
      if (node && node.matches('td.field, th.field') && read && read.certainty !== 'not_evaluation') pick(node);
    });
    document.getElementById('correct-form').addEventListener('submit', function (e) {
      e.preventDefault();
      send(document.getElementById('correct-field').value.trim(), document.getElementById('correct-value').value);
    });
    document.querySelectorAll('#row-kind [data-mark]').forEach(function (b) {
      b.addEventListener('click', function () {
        var row = rowOf(document.getElementById('correct-field').value.trim());
        if (row) send(row + '.row_kind', b.dataset.mark);
      });
    });
  });
})();
