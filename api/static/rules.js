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

  function load(profile) {
    return Z.api('/rules?profile=' + encodeURIComponent(profile)).then(function (data) {
      var select = document.getElementById('profile');
      if (!select.options.length) {
        data.profiles.forEach(function (p) { select.append(el('option', { value: p }, p)); });
      }
      select.value = data.profile;
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
