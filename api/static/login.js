/* 登录: the token opens a session (HttpOnly cookie, shared by every tab), then go where the user was going. */
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('login-form');
    var input = document.getElementById('token');
    var error = document.getElementById('login-error');
    if (Z.param('expired')) {
      error.textContent = '登录已失效，请重新输入令牌。';
      error.hidden = false;
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var token = input.value.trim();
      error.hidden = true;
      fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'ziping' },
                                 body: JSON.stringify({ token: token }) })
        .then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) throw new Z.ApiError(r.status, body);
            return body;
          });
        })
        .then(function (user) {
          Z.saveLogin(null, user);
          var next = Z.param('next') || '/';
          location.href = next.charAt(0) === '/' && next.charAt(1) !== '/' ? next : '/';
        })
        .catch(function (err) {
          error.textContent = err.message || '登录失败';
          error.hidden = false;
        });
    });
  });
})();
