/* ziping 自评审核助手 — shared helpers for every page (our own plain JS, no libraries).
 *
 * Z.api(path, opts)      fetch /api/v1 + path with the session's bearer token; JSON in and out
 * Z.stream(path, opts, onEvent)  the same, reading a text/event-stream body (SSE over fetch,
 *                        since EventSource cannot send an Authorization header)
 * Z.el(tag, attrs, ...children)  build DOM nodes; text is always set as text, never as HTML
 * Z.download(path) / Z.openBlob(path, hash)  authenticated downloads
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'ziping.token';
  var USER_KEY = 'ziping.user';
  var Z = window.Z = {};

  Z.SEVERITY = { error: '错误', warning: '警告', info: '提示' };
  Z.SEVERITY_RANK = { error: 3, warning: 2, info: 1 };
  Z.STAGE = { queued: '排队中', parsed: '已读取', checked: '已预审', indexed: '已入库', failed: '失败', skipped: '已存在', drafted: '已起草' };

  /* The login is an HttpOnly session cookie shared by every tab (POST /api/v1/session); the page
   * only keeps who is logged in (localStorage) to know it. A token typed in this tab still goes as
   * a bearer header. */
  Z.token = function () { return sessionStorage.getItem(TOKEN_KEY) || (localStorage.getItem(USER_KEY) ? 'session' : null); };
  Z.user = function () {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY) || localStorage.getItem(USER_KEY) || 'null'); } catch (e) { return null; }
  };
  Z.saveLogin = function (token, user) {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  };
  Z.logout = function (expired) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    localStorage.removeItem(USER_KEY);
    if (!expired) fetch('/api/v1/session', { method: 'DELETE', keepalive: true, headers: { 'X-Requested-With': 'ziping' } });
    var next = location.pathname + location.search + location.hash;
    location.href = '/login' + (expired ? '?expired=1&next=' + encodeURIComponent(next) : '');
  };

  function ApiError(status, body) {
    var err = (body && body.error) || {};
    this.name = 'ApiError';
    this.status = status;
    this.code = err.code || 'http_' + status;
    this.message = err.message || ('请求失败（' + status + '）');
  }
  ApiError.prototype = Object.create(Error.prototype);
  Z.ApiError = ApiError;

  function request(path, opts) {
    opts = opts || {};
    var headers = new Headers(opts.headers || {});
    var token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.set('Authorization', 'Bearer ' + token);
    headers.set('X-Requested-With', 'ziping');  // the session cookie's proof that this page sent it
    var init = { method: opts.method || 'GET', headers: headers, signal: opts.signal };
    if (opts.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      init.body = JSON.stringify(opts.json);
      if (!opts.method) init.method = 'POST';
    } else if (opts.body !== undefined) {
      init.body = opts.body;
      if (!opts.method) init.method = 'POST';
    }
    return fetch(path.indexOf('/') === 0 && path.indexOf('/api/') !== 0 ? '/api/v1' + path : path, init)
      .then(function (r) {
        if (r.ok) return r;
        return r.json().catch(function () { return null; }).then(function (body) {
          if (r.status === 401 && !opts.noRedirect) Z.logout(true);
          throw new ApiError(r.status, body);
        });
      });
  }
  Z.request = request;

  Z.api = function (path, opts) {
    return request(path, opts).then(function (r) {
      if (r.status === 204) return null;
      var type = r.headers.get('Content-Type') || '';
      return type.indexOf('json') >= 0 ? r.json() : r.text();
    });
  };

  /* Read a text/event-stream body: onEvent(name, data) per event (data parsed as JSON). */
  Z.readEvents = function (response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder('utf-8');
    var buffer = '';
    function dispatch(block) {
      var name = 'message', data = [];
      block.split('\n').forEach(function (line) {
        if (!line || line.charAt(0) === ':') return;
        var at = line.indexOf(':');
        var field = at < 0 ? line : line.slice(0, at);
        var value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      });
      if (!data.length) return;
      var text = data.join('\n'), parsed;
      try { parsed = JSON.parse(text); } catch (e) { parsed = text; }
      onEvent(name, parsed);
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (buffer.trim()) dispatch(buffer);
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
        var cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
        return pump();
      });
    }
    return pump();
  };

  Z.stream = function (path, opts, onEvent) {
    opts = opts || {};
    opts.headers = Object.assign({ Accept: 'text/event-stream' }, opts.headers || {});
    return request(path, opts).then(function (r) { return Z.readEvents(r, onEvent); });
  };

  /* DOM building: attributes and text only — never innerHTML with data. */
  Z.el = function (tag, attrs) {
    var node = document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
      else if (key.indexOf('on') === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  };
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.append(child instanceof Node ? child : String(child));
  }
  Z.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); return node; };

  Z.fmt = function (value, digits) {
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value !== 'number') return String(value);
    var d = digits === undefined ? 2 : digits;
    return String(Math.round(value * Math.pow(10, d)) / Math.pow(10, d));
  };

  Z.toast = function (message, kind) {
    var box = document.getElementById('toast');
    if (!box) return;
    box.textContent = message;
    box.className = 'toast ' + (kind || '');
    box.hidden = false;
    clearTimeout(Z._toastTimer);
    Z._toastTimer = setTimeout(function () { box.hidden = true; }, 4000);
  };
  Z.fail = function (err) {
    Z.toast((err && err.message) || String(err), 'error');
    if (window.console) console.error(err);
  };

  function filenameOf(response, fallback) {
    var cd = response.headers.get('Content-Disposition') || '';
    var star = /filename\*=utf-8''([^;]+)/i.exec(cd);
    if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ } }
    var plain = /filename="?([^";]+)"?/i.exec(cd);
    return plain ? plain[1] : fallback;
  }

  Z.download = function (path, fallbackName) {
    return request(path).then(function (r) {
      var name = filenameOf(r, fallbackName || 'download');
      return r.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = Z.el('a', { href: url, download: name, hidden: true });
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        return name;
      });
    });
  };

  Z.openBlob = function (path, hash) {
    var win = window.open('', '_blank');
    return request(path).then(function (r) { return r.blob(); }).then(function (blob) {
      var url = URL.createObjectURL(blob) + (hash || '');
      if (win) win.location.href = url; else location.href = url;
    }).catch(function (err) { if (win) win.close(); throw err; });
  };

  Z.param = function (name) { return new URLSearchParams(location.search).get(name); };

  Z.years = function () { return Z.api('/stats/years'); };
  Z.fillYears = function (select, years, blank) {
    Z.clear(select);
    if (blank) select.append(Z.el('option', { value: '' }, blank));
    years.forEach(function (y) { select.append(Z.el('option', { value: y }, y + '年')); });
  };

  /* Header: who is logged in, logout; pages other than /login need a token. */
  document.addEventListener('DOMContentLoaded', function () {
    var page = document.body.dataset.page;
    if (page === 'login') return;
    if (!Z.token()) {
      location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search + location.hash);
      return;
    }
    var user = Z.user();
    var who = document.getElementById('who');
    if (who && user) who.textContent = user.name + '（' + user.role_text + '）';
    var out = document.getElementById('logout');
    if (out) out.addEventListener('click', function () { Z.logout(false); });
  });
})();
