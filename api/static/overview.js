/* 总览: year statistics and charts, the submission table with filters, and the upload box
 * with live per-file progress (server-sent events read with fetch; polling as a fallback). */
(function () {
  'use strict';
  var el = Z.el;
  var state = { page: 1, size: 25, sort: '-updated', total: 0 };

  var FIGURES = [
    ['submissions', '材料'], ['units', '单位'], ['projects', '项目自评表'], ['findings.total', '审核发现'],
    ['findings.error', '其中错误'], ['findings.objects.rate', '存在问题的材料占比'],
    ['amount.rate', '总体执行率'], ['score.mean', '平均得分']
  ];

  function year() { return document.getElementById('year').value; }

  // 导出图片: the chart's SVG drawn on a canvas at twice its size and saved as PNG, all in the browser
  function exportChart(name, label) {
    var svg = document.querySelector('#chart-' + name + ' svg');
    if (!svg) { Z.toast('没有可导出的图表，请先选择年度', 'error'); return; }
    var box = svg.viewBox.baseVal, scale = 2;
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement('canvas');
      canvas.width = box.width * scale;
      canvas.height = box.height * scale;
      var ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      var a = el('a', { href: canvas.toDataURL('image/png'), download: label + '_' + year() + '年度.png' });
      document.body.append(a);
      a.click();
      a.remove();
    };
    img.onerror = function () { Z.toast('图表导出失败', 'error'); };
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
  }

  // Two filter changes in quick succession send two requests whose answers may come back in either
  // order: only the latest request's answer is drawn (an earlier one arriving last showed the
  // table of a filter no longer chosen).
  var latest = { table: 0, stats: 0 };

  function loadStats() {
    var y = year();
    var mine = ++latest.stats;
    var box = document.getElementById('figures');
    if (!y) {
      var any = document.getElementById('year').options.length > 1;
      Z.clear(box).append(el('div', { class: 'muted' }, any ? '年度统计按年度计算，请在右上角选择年度。' : '还没有材料。请先上传。'));
      Z.clear(document.getElementById('chart-exec'));
      Z.clear(document.getElementById('chart-grade'));
      return Promise.resolve();
    }
    var stats = Z.api('/stats/' + encodeURIComponent(y)).then(function (data) {
      if (mine !== latest.stats) return;
      Z.clear(box);
      FIGURES.forEach(function (pair) {
        var fig = data.figures[pair[0]];
        if (!fig) return;
        box.append(el('div', { class: 'figure', title: fig.label + (fig.note ? '（' + fig.note + '）' : '') },
          el('dt', null, pair[1]), el('dd', null, fig.text)));
      });
    });
    var charts = ['exec', 'grade'].map(function (name) {
      return Z.api('/stats/' + encodeURIComponent(y) + '/charts/' + name + '.svg').then(function (svgText) {
        if (mine !== latest.stats) return;
        var doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
        var svg = doc.documentElement;
        var target = Z.clear(document.getElementById('chart-' + name));
        if (svg && svg.nodeName.toLowerCase() === 'svg') target.append(document.importNode(svg, true));
      });
    });
    return Promise.all([stats].concat(charts)).catch(Z.fail);
  }

  function filterParams() {
    var form = document.getElementById('filters');
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() !== '') params.set(key, String(value).trim());
    });
    if (year()) params.set('year', year());
    return params;
  }

  function countCell(n, severity) {
    return el('td', { class: 'num' }, n ? el('span', { class: 'badge ' + severity }, n) : el('span', { class: 'muted' }, '0'));
  }

  function loadTable() {
    var params = filterParams();
    params.set('sort', state.sort);
    params.set('page', state.page);
    params.set('size', state.size);
    var body = document.querySelector('#subs tbody');
    // a queue (我的待办, 未分派, 已逾期, 退回待重报) is its own list; the other filters apply to all
    var queue = params.get('queue');
    params.delete('queue');
    var queueParams = new URLSearchParams({ name: queue || '', page: state.page, size: state.size });
    ['unit_like', 'project_like'].forEach(function (k) { if (params.get(k)) queueParams.set(k, params.get(k)); });
    var path = queue ? '/review/queue?' + queueParams.toString()
      : '/submissions?' + params.toString();
    var mine = ++latest.table;
    return Z.api(path).then(function (data) {
      if (mine !== latest.table) return;
      state.total = data.total;
      Z.clear(body);
      if (!data.items.length) {
        body.append(el('tr', null, el('td', { colspan: 15, class: 'muted' }, '没有符合条件的材料。')));
      }
      data.items.forEach(function (s) {
        body.append(el('tr', { dataset: { sid: s.id } },
          el('td', null, el('input', { type: 'checkbox', class: 'pick', dataset: { sid: s.id }, checked: !!picked[s.id],
            'aria-label': '选择 ' + (s.file_name || s.id), onchange: function (e) { pick(s.id, e.target.checked); } })),
          el('td', null, el('a', { href: '/submissions/' + encodeURIComponent(s.id), class: 'file-link' }, s.file_name || s.id)),
          el('td', null, s.unit || '—'),
          el('td', null, s.year || '—'),
          el('td', null, s.kind_text),
          el('td', { class: 'clip', title: s.projects.join('、') }, s.projects.join('、') || '—'),
          el('td', { class: 'num' }, Z.fmt(s.total_score)),
          el('td', { class: 'num' }, s.exec_rate === null ? '—' : Z.fmt(s.exec_rate) + '%'),
          countCell(s.counts.error, 'error'), countCell(s.counts.warning, 'warning'), countCell(s.counts.info, 'info'),
          el('td', null, el('span', { class: 'status ' + s.status, title: s.status_reason || '' }, s.status_text),
            s.certainty && s.certainty !== 'recognised' ? el('span', { class: 'certainty ' + s.certainty }, s.certainty_text) : null),
          el('td', null, el('span', { class: 'status state-' + s.state, dataset: { state: s.state } }, s.state_text)),
          el('td', null, s.assignee || '—'),
          el('td', { class: s.due_date && s.due_date < new Date().toISOString().slice(0, 10) ? 'error' : '' }, s.due_date || '—')));
      });
      var pages = Math.max(1, Math.ceil(data.total / state.size));
      document.getElementById('page-info').textContent = '第 ' + state.page + ' / ' + pages + ' 页，共 ' + data.total + ' 份';
      document.getElementById('prev').disabled = state.page <= 1;
      document.getElementById('next').disabled = state.page >= pages;
      document.querySelectorAll('#subs th[data-sort]').forEach(function (th) {
        var key = th.dataset.sort;
        th.classList.toggle('sorted', state.sort.replace('-', '') === key);
        th.setAttribute('aria-sort', state.sort === key ? 'ascending' : state.sort === '-' + key ? 'descending' : 'none');
      });
    }).catch(Z.fail);
  }

  /* --- batch actions over the picked submissions --------------------------------------------- */

  var picked = {};

  function pick(id, on) {
    if (on) picked[id] = true; else delete picked[id];
    showBatch();
  }

  function showBatch() {
    var n = Object.keys(picked).length;
    document.getElementById('batch-form').hidden = !n;
    document.getElementById('batch-count').textContent = '已选 ' + n + ' 份';
    var action = document.getElementById('batch-action').value;
    ['state', 'assign', 'decide'].forEach(function (a) {
      document.querySelectorAll('#batch-form .for-' + a).forEach(function (node) { node.hidden = a !== action; });
    });
  }

  function runBatch(e) {
    e.preventDefault();
    var action = document.getElementById('batch-action').value;
    var body = { submission_ids: Object.keys(picked), action: action,
      reason: document.getElementById('batch-reason').value.trim() || null };
    if (action === 'state') body.state = document.getElementById('batch-state').value;
    if (action === 'assign') {
      body.assignee = document.getElementById('batch-assignee').value.trim() || null;
      body.due_date = document.getElementById('batch-due').value || null;
    }
    if (action === 'decide') {
      body.rule = document.getElementById('batch-rule').value.trim();
      body.decision = document.getElementById('batch-decision').value;
    }
    Z.api('/review/batch', { method: 'POST', json: body }).then(function (r) {
      var box = document.getElementById('batch-result');
      box.hidden = false;
      var refused = r.items.filter(function (i) { return !i.ok; });
      box.textContent = '已办理 ' + r.done + ' 份' + (action === 'decide' ? '（共改 ' +
        r.items.reduce(function (n, i) { return n + i.changed; }, 0) + ' 条审核发现）' : '') + '，未办理 ' + r.refused + ' 份' +
        (refused.length ? '：' + refused.map(function (i) { return i.submission_id + ' ' + i.message; }).join('；') : '。');
      picked = {};
      showBatch();
      document.getElementById('pick-all').checked = false;
      return loadTable();
    }).catch(Z.fail);
  }

  /* --- upload with live progress ---------------------------------------------------------- */

  function renderJob(job) {
    var box = document.getElementById('job');
    box.hidden = false;
    var states = { queued: '排队中', running: '处理中', embedding: '建立向量索引', done: '完成', failed: '失败' };
    var text = '任务 ' + job.id + '：' + (states[job.state] || job.state) + '（' + job.done + '/' + job.total + '）';
    if (job.state === 'embedding' || job.embedded) text += '，已向量化 ' + job.embedded + ' 段';
    var head = document.getElementById('job-state');
    head.textContent = text;
    head.dataset.state = job.state;
    var list = Z.clear(document.getElementById('job-files'));
    job.files.forEach(function (f) {
      var label = (Z.STAGE[f.stage] || f.stage) + (f.status === 'needs_review' ? '（待人工核对）' : '');
      list.append(el('li', { class: 'job-file stage-' + f.stage, dataset: { stage: f.stage } },
        el('span', { class: 'job-name' }, f.submission_id
          ? el('a', { href: '/submissions/' + encodeURIComponent(f.submission_id) }, f.name) : f.name),
        el('span', { class: 'stage' }, label),
        f.findings !== null && f.stage !== 'failed' ? el('span', { class: 'muted' }, f.findings + ' 项发现') : null,
        f.reason && (f.stage === 'failed' || f.status === 'needs_review') ? el('div', { class: f.stage === 'failed' ? 'reason' : 'reason warn' }, f.reason) : null));
    });
  }

  function finished(job) { return job.state === 'done' || job.state === 'failed'; }

  function watch(job) {
    renderJob(job);
    if (finished(job)) return Promise.resolve(job);
    var last = job;
    return Z.stream('/jobs/' + encodeURIComponent(job.id) + '/events', {}, function (name, data) {
      if (data && data.id) { last = data; renderJob(data); }
    }).then(function () {
      return finished(last) ? last : poll(last.id);
    }).catch(function () { return poll(job.id); });
  }

  function poll(id) {
    return new Promise(function (resolve, reject) {
      (function tick() {
        Z.api('/jobs/' + encodeURIComponent(id)).then(function (job) {
          renderJob(job);
          if (finished(job)) resolve(job); else setTimeout(tick, 700);
        }).catch(reject);
      })();
    });
  }

  function upload(event) {
    event.preventDefault();
    var input = document.getElementById('files');
    if (!input.files.length) { Z.toast('请先选择文件', 'error'); return; }
    var data = new FormData();
    Array.prototype.forEach.call(input.files, function (f) { data.append('files', f, f.name); });
    data.append('defer_vectors', document.getElementById('defer').checked ? 'true' : 'false');
    var button = document.getElementById('upload-btn');
    button.disabled = true;
    Z.api('/submissions', { body: data }).then(function (job) {
      input.value = '';
      return watch(job);
    }).then(function (job) {
      var failed = job.files.filter(function (f) { return f.stage === 'failed'; }).length;
      Z.toast('处理完成：' + (job.files.length - failed) + ' 个成功' + (failed ? '，' + failed + ' 个失败' : ''), failed ? 'error' : 'ok');
      return refreshYears().then(function () { loadStats(); loadTable(); });
    }).catch(Z.fail).then(function () { button.disabled = false; });
  }

  function refreshYears() {
    return Z.years().then(function (data) {
      var select = document.getElementById('year');
      var current = select.value;
      Z.fillYears(select, data.years, '全部年度');
      if (current && data.years.indexOf(Number(current)) >= 0) select.value = current;
      else if (!current && !select.dataset.touched && data.latest) select.value = String(data.latest);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!Z.token()) return;
    document.getElementById('year').addEventListener('change', function () {
      this.dataset.touched = '1';
      state.page = 1;
      loadStats();
      loadTable();
    });
    var filters = document.getElementById('filters');
    filters.addEventListener('submit', function (e) { e.preventDefault(); state.page = 1; loadTable(); });
    filters.addEventListener('reset', function () { setTimeout(function () { state.page = 1; loadTable(); }, 0); });
    document.getElementById('batch-form').addEventListener('submit', runBatch);
    document.getElementById('batch-action').addEventListener('change', showBatch);
    document.getElementById('batch-clear').addEventListener('click', function () {
      picked = {};
      document.querySelectorAll('#subs input.pick').forEach(function (c) { c.checked = false; });
      document.getElementById('pick-all').checked = false;
      showBatch();
    });
    document.getElementById('pick-all').addEventListener('change', function (e) {
      document.querySelectorAll('#subs input.pick').forEach(function (c) { c.checked = e.target.checked; pick(c.dataset.sid, e.target.checked); });
    });
    ['f-queue', 'f-state'].forEach(function (id) {
      document.getElementById(id).addEventListener('change', function () { state.page = 1; loadTable(); });
    });
    document.getElementById('prev').addEventListener('click', function () { state.page -= 1; loadTable(); });
    document.getElementById('next').addEventListener('click', function () { state.page += 1; loadTable(); });
    document.querySelectorAll('#subs th[data-sort]').forEach(function (th) {
      th.tabIndex = 0;
      th.addEventListener('click', function () {
        var key = th.dataset.sort;
        state.sort = state.sort === '-' + key ? key : '-' + key;
        loadTable();
      });
    });
    document.querySelectorAll('.chart-png').forEach(function (btn) {
      btn.addEventListener('click', function () { exportChart(btn.dataset.chart, btn.dataset.name); });
    });
    document.getElementById('export').addEventListener('click', function () {
      var params = filterParams();
      ['q', 'status', 'score_min', 'score_max', 'exec_min', 'exec_max'].forEach(function (k) { params.delete(k); });
      Z.download('/findings/export.xlsx?' + params.toString(), '审核发现.xlsx').catch(Z.fail);
    });
    document.getElementById('upload-form').addEventListener('submit', upload);
    var drop = document.getElementById('dropzone');
    drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      drop.classList.remove('over');
      document.getElementById('files').files = e.dataTransfer.files;
    });
    refreshYears().then(function () { loadStats(); loadTable(); }).catch(Z.fail);
  });
})();
