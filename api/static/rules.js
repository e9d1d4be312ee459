/* 规则: the rules catalog of a profile, with sources; a row opens its description and examples. */
(function () {
  'use strict';
  var el = Z.el;
  var current = null;

  function render(data) {
    current = data;
    document.getElementById('rules-meta').textContent = '口径：' + data.profile_title + '，共 ' + data.rules.length + ' 条规则。点击一行查看说明与示例。';
    filter();
    var ni = Z.clear(document.getElementById('not-implemented'));
    data.not_implemented.forEach(function (n) { ni.append(el('li', null, n.code + '：' + n.reason)); });
  }

  function filter() {
    if (!current) return;
    var q = document.getElementById('rule-q').value.trim().toLowerCase();
    var body = Z.clear(document.querySelector('#rules tbody'));
    current.rules.forEach(function (r) {
      var hay = (r.code + r.title + r.source + r.description).toLowerCase();
      if (q && hay.indexOf(q) < 0) return;
      var sev = r.enabled ? r.severity : 'off';
      var row = el('tr', { class: 'rule-row', tabindex: 0, dataset: { code: r.code } },
        el('td', null, el('code', null, r.code)), el('td', null, r.title),
        el('td', null, el('span', { class: 'badge ' + sev }, Z.SEVERITY[sev] || '停用')),
        el('td', { class: 'source' }, r.source));
      var more = el('tr', { class: 'rule-more', hidden: true }, el('td', { colspan: 4 },
        el('p', null, r.description), el('p', null, el('strong', null, '为什么：'), r.why),
        el('p', null, el('strong', null, '错误示例：'), r.bad), el('p', null, el('strong', null, '正确示例：'), r.good)));
      function toggle() { more.hidden = !more.hidden; }
      row.addEventListener('click', toggle);
      row.addEventListener('keydown', function (e) { if (e.key === 'Enter') toggle(); });
      body.append(row, more);
    });
  }

  function basisNode(b) {
    // a link is shown as text with whether it is an official site or a repost; never as markup
    return el('span', null, b ? b.label : '（未注明）');
  }

  /* 与全国口径的差异: the selected pack, its version and 依据, and each setting it changes. */
  function renderPack(diff) {
    var p = diff.pack;
    document.getElementById('pack-title').textContent = '审核口径：' + p.title;
    document.getElementById('pack-meta').textContent = '口径 ' + p.name + '，版本 ' + (p.version || '未标版本') +
      (p.extends ? '，继承 ' + p.extends : '') + (p.official ? '；依据均为官方网站。' : '；部分依据为转载，未见官方原文。');
    var basis = Z.clear(document.getElementById('pack-basis'));
    p.basis.forEach(function (b) { basis.append(el('li', null, basisNode(b))); });
    if (!p.basis.length) basis.append(el('li', { class: 'muted' }, '（口径文件未列依据）'));
    var table = document.getElementById('pack-diff'), same = document.getElementById('pack-same');
    var body = Z.clear(table.querySelector('tbody'));
    diff.changes.forEach(function (c) {
      body.append(el('tr', { dataset: { key: c.key } }, el('td', null, c.label), el('td', null, c.national),
        el('td', null, el('strong', null, c.pack)), el('td', { class: 'source' }, basisNode(c.basis))));
    });
    table.hidden = !diff.changes.length;
    same.hidden = !!diff.changes.length;
    same.textContent = p.name === 'national' ? '这是全国口径本身。' : '本口径的规则与阈值与全国口径相同。';
  }

  function load(profile) {
    var name = encodeURIComponent(profile);
    return Promise.all([Z.api('/rules?profile=' + name), Z.api('/rules/profiles/' + name + '/diff')]).then(function (got) {
      var data = got[0];
      var select = document.getElementById('profile');
      if (!select.options.length) {
        data.profiles.forEach(function (p) { select.append(el('option', { value: p }, p)); });
      }
      select.value = data.profile;
      renderPack(got[1]);
      render(data);
    }).catch(Z.fail);
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!Z.token()) return;
    document.getElementById('profile').addEventListener('change', function () { load(this.value); });
    document.getElementById('rule-q').addEventListener('input', filter);
    load('national');
  });
})();
