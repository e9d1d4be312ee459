/* 提交详情, 申报—监控—自评对照: a self-evaluation beside its linked 绩效目标申报表 and 绩效监控表
 * (one row per indicator: the declared 指标值, the monitoring round's progress, expected year-end
 * and 预警, the self-evaluation's 指标值 and 实际完成值), the comparison findings (CYCLE-*), and
 * a relink form. A declaration or monitoring form's own page shows its link and the same form; a
 * self-evaluation with nothing linked shows no section. */
(function () {
  'use strict';
  var el = Z.el;
  var sid = document.getElementById('sub-head').dataset.sid;
  var box = document.getElementById('cycle');

  function raw(v) { return v && typeof v === 'object' ? (v.raw || '') : (v === null || v === undefined ? '' : String(v)); }

  function row(label, a, b, c, cls) {
    return el('tr', { class: cls || null }, el('th', { scope: 'row' }, label), el('td', null, a || '—'),
      el('td', null, b || '—'), el('td', null, c || '—'));
  }

  function render(data, detail) {
    var body = Z.clear(document.querySelector('#cycle-table tbody'));
    var dec = data.declaration;
    var mon = data.monitorings.length ? data.monitorings[data.monitorings.length - 1] : null;
    var ev = detail && detail.submission && detail.submission.evaluations ? detail.submission.evaluations[0] : null;
    var period = mon && mon.months ? '1-' + mon.months + '月' : '监控期';
    var total = ev ? (ev.funds.rows || []).filter(function (r) { return r.category === 'total'; })[0] : null;
    var decTotal = dec ? (dec.funds || []).filter(function (f) { return f.category === 'total'; })[0] : null;
    body.append(row('年度资金（万元）', decTotal ? '年度资金总额 ' + Z.fmt(decTotal.amount) : '',
      mon ? '年初预算 ' + Z.fmt(mon.budget) + '，' + period + '执行 ' + Z.fmt(mon.executed) + '（' + raw(mon.rate) + '），全年预计 ' + raw(mon.expected_rate) : '',
      total ? '全年预算 ' + Z.fmt(total.budget_full_year) + '，执行 ' + Z.fmt(total.exec_amount) + '（' + raw(ev.funds.rate) + '）' : ''));
    body.append(row('年度总体目标', dec && dec.goal, mon && mon.goal_progress, ev && ev.goal_planned));
    var decs = dec ? dec.indicators : [], evs = ev ? ev.indicators : [], mons = mon ? mon.indicators : [];
    var NOTE = { renamed: '（改名）', dropped: '（自评表无此指标）', added: '（申报表无此指标）' };
    data.pairs.forEach(function (p) {
      var d = p.declared === null ? null : decs[p.declared];
      var e = p.evaluated === null ? null : evs[p.evaluated];
      var m = p.monitored === null ? null : mons[p.monitored];
      var name = d ? d.name : e.name;
      if (p.kind === 'renamed') name = d.name + ' → ' + e.name;
      var cls = p.kind === 'dropped' ? 'missing' : p.kind === 'added' ? 'added' : p.kind === 'renamed' ? 'renamed'
        : (m && /[红黄橙]/.test(m.warning || '') ? 'warned' : null);
      body.append(row(name, d ? raw(d.target) : NOTE.added,
        m ? period + ' ' + raw(m.progress) + '；全年预计 ' + raw(m.expected) + (m.warning ? '；' + m.warning : '') : '',
        e ? raw(e.target) + ' → ' + raw(e.actual) : NOTE.dropped, cls));
    });
    var list = Z.clear(document.getElementById('cycle-findings'));
    data.findings.forEach(function (f) {
      list.append(el('li', { class: 'finding sev-' + f.severity, dataset: { rule: f.rule } },
        el('span', { class: 'rule' }, f.rule), ' ', el('span', { class: 'msg' }, f.message),
        f.evidence ? el('div', { class: 'muted' }, f.evidence) : null));
    });
    if (!data.findings.length) list.append(el('li', { class: 'muted' }, '未发现申报、监控与自评不一致的问题'));
  }

  function links(data) {
    var text = data.links.map(function (l) {
      return l.kind_name + (l.months ? '（1-' + l.months + '月）' : '') + ' ' + (l.file_name || l.submission_id);
    }).join('；');
    document.getElementById('cycle-links').textContent = text ? '已关联：' + text : '';
    var own = data.links.length === 1 && data.links[0].submission_id === sid ? data.links[0] : null;
    document.getElementById('cycle-note').textContent = own ? own.note || '' :
      (data.links.length ? '' : '尚未关联绩效目标申报表或绩效监控表');
    if (own) document.getElementById('cycle-form-id').value = sid;
    if (own && own.evaluation_id) document.getElementById('cycle-eval-id').value = own.evaluation_id;
    return own;
  }

  function load() {
    Promise.all([Z.api('/submissions/' + encodeURIComponent(sid) + '/cycle'),
                 Z.api('/submissions/' + encodeURIComponent(sid))]).then(function (both) {
      var data = both[0], detail = both[1];
      var own = links(data);
      box.hidden = !data.links.length;  // a self-evaluation with no linked form: nothing to compare
      document.querySelector('#cycle .cycle-side').hidden = !!own;
      if (!own) render(data, detail);
    }).catch(Z.fail);
  }

  document.getElementById('cycle-relink').addEventListener('submit', function (e) {
    e.preventDefault();
    var form = document.getElementById('cycle-form-id').value.trim();
    var target = document.getElementById('cycle-eval-id').value.trim() || null;
    Z.api('/cycle/' + encodeURIComponent(form) + '/link', { method: 'PUT', json: { evaluation_id: target } })
      .then(function (link) { Z.toast(link.kind_name + '：' + (link.note || '已更新')); load(); })
      .catch(Z.fail);
  });
  load();
})();
