/* ziping — 复核打分 on the submission page (issue 15 item 8): each form's self-score beside the
 * review score, the rows a reviewer adjusts (score and reason each), the execution-rate cap of the
 * active rule pack when it applied. Its own section after the form view; GET/PUT
 * /api/v1/submissions/{sid}/scores. A refused save shows the API's Chinese message and keeps the
 * reviewer's inputs. */
(function () {
  'use strict';

  var head = document.getElementById('sub-head');
  if (!head) return;
  var sid = head.dataset.sid;
  var path = '/submissions/' + encodeURIComponent(sid) + '/scores';
  var section = Z.el('section', { class: 'card scores', id: 'review-scores', 'aria-label': '复核打分' });
  var detail = document.querySelector('section.detail');
  (detail || head).insertAdjacentElement('afterend', section);

  function num(x) { return x === null || x === undefined ? '—' : String(Math.round(x * 100) / 100); }

  function summary(form) {
    var text = '自评得分 ' + num(form.self_total) + '（' + (form.self_grade || '—') + '）　复核得分 ' +
      num(form.total) + '（' + (form.grade || '—') + '）　差值 ' + num(form.gap) +
      (form.scored ? '　复核人 ' + form.scored_by + '，版本 ' + form.version : '　尚未复核打分');
    return Z.el('p', { class: 'score-summary' }, text);
  }

  function renderForm(form) {
    var box = Z.el('div', { class: 'score-form', 'data-idx': String(form.evaluation_idx) });
    box.appendChild(Z.el('h3', {}, form.project + '（审核口径：' + (form.profile_title || form.profile) + '）'));
    box.appendChild(summary(form));
    if (form.cap) box.appendChild(Z.el('p', { class: 'notice' }, form.cap.text));
    var table = Z.el('table', { class: 'form-table' });
    table.appendChild(Z.el('tr', {}, Z.el('th', {}, '项'), Z.el('th', {}, '分值'), Z.el('th', {}, '自评得分'),
      Z.el('th', {}, '复核得分'), Z.el('th', {}, '调整理由')));
    var inputs = [];
    form.items.forEach(function (it) {
      var score = Z.el('input', { type: 'number', step: '0.01', min: '0', value: it.adjusted ? String(it.review_score) : '',
        placeholder: num(it.self_score), 'aria-label': it.name + ' 复核得分' });
      if (it.weight !== null) score.max = String(it.weight);
      var reason = Z.el('input', { type: 'text', maxlength: '500', value: it.reason || '',
        placeholder: '调整时必填', 'aria-label': it.name + ' 调整理由' });
      inputs.push({ item: it.item, score: score, reason: reason });
      table.appendChild(Z.el('tr', { class: it.adjusted ? 'adjusted' : '' }, Z.el('td', {}, it.name),
        Z.el('td', {}, num(it.weight)), Z.el('td', {}, num(it.self_score)), Z.el('td', {}, score), Z.el('td', {}, reason)));
    });
    box.appendChild(table);
    var message = Z.el('p', { class: 'notice', hidden: '' });
    var save = Z.el('button', { type: 'button', class: 'btn primary' }, '保存复核得分');
    save.addEventListener('click', function () {
      var adjustments = inputs.filter(function (x) { return x.score.value !== ''; }).map(function (x) {
        return { item: x.item, score: Number(x.score.value), reason: x.reason.value };
      });
      save.disabled = true;
      Z.api(path, { method: 'PUT', json: { evaluation_idx: form.evaluation_idx, version: form.version,
        adjustments: adjustments } }).then(function () { load(); }).catch(function (err) {
        message.textContent = err.message;
        message.hidden = false;
        save.disabled = false;
      });
    });
    box.appendChild(Z.el('div', { class: 'actions' }, save));
    box.appendChild(message);
    return box;
  }

  function load() {
    Z.api(path).then(function (data) {
      section.textContent = '';
      section.appendChild(Z.el('h2', {}, '复核打分'));
      if (!data.forms.length) {
        section.appendChild(Z.el('p', { class: 'muted' }, '该材料没有识别出自评表，无可复核打分的项目。'));
        return;
      }
      data.forms.forEach(function (form) { section.appendChild(renderForm(form)); });
    }).catch(function (err) {
      section.textContent = '';
      section.appendChild(Z.el('p', { class: 'notice' }, '复核得分加载失败：' + err.message));
    });
  }

  load();
}());
