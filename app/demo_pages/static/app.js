/* Resident H5 demo over the Doudi API: WeChat sign-in, my applications, a step-by-step application,
 * submit with every problem shown next to its field, progress and withdrawal.
 * Plain browser JavaScript: no build step, no libraries, nothing loaded from outside this folder. */
(function () {
  'use strict';

  // ---------------------------------------------------------------- vocabularies (app/domain/vocab.py)
  var PROGRAMS = [
    ['dibao', '最低生活保障（低保）', '家里每人每月的收入低于当地标准，按月领取生活补助'],
    ['tekun', '特困人员救助供养（特困）', '老人、残疾人或未满18岁的孩子，没有劳动能力、没有生活来源，也没有能赡养、抚养的人'],
    ['linshi_jinan', '临时救助（急难型）', '遇到火灾、交通事故、突发重病等意外，一时生活困难'],
    ['linshi_zhichu', '临时救助（支出型）', '看病、上学等大额必需支出，让家里一时生活困难'],
  ];
  var RELATIONS = [
    ['spouse', '配偶'], ['child', '子女'], ['parent', '父母'], ['grandparent', '（外）祖父母'],
    ['grandchild', '（外）孙子女'], ['sibling', '兄弟姐妹'], ['child_in_law', '儿媳/女婿'], ['other', '其他'],
  ];
  var PROXY_RELATIONS = [
    ['family', '亲属'], ['neighbour', '邻居'], ['village_cadre', '村（居）干部'], ['guardian', '监护人'], ['other', '其他'],
  ];
  var HOUSEHOLD_TYPES = [['urban', '城镇'], ['rural', '农村']];
  var WORK_CAPACITY = [['full', '有劳动能力'], ['partial', '部分丧失劳动能力'], ['none', '无劳动能力']];
  var DISABILITY = [['', '没有残疾'], ['1', '一级'], ['2', '二级'], ['3', '三级'], ['4', '四级']];
  var YES_NO = [['true', '是'], ['false', '否']];
  var INCOME_CATEGORIES = [
    ['wages', '工资性收入'], ['business', '经营净收入'], ['property', '财产净收入'],
    ['transfer', '转移净收入（养老金、赡养费等）'], ['pension', '养老金'], ['support_payment', '赡养（抚养、扶养）费'],
    ['special_care_benefit', '优抚对象抚恤补助'], ['award', '奖励性收入'], ['scholarship', '助学金、奖学金'],
    ['disability_allowance', '残疾人两项补贴'], ['other', '其他收入'],
  ];
  var PERIODS = [['monthly', '每月'], ['yearly', '每年'], ['once', '一次性']];
  var ASSET_KINDS = [
    ['housing', '房产'], ['vehicle', '机动车'], ['deposit', '存款及理财'], ['business', '经营性资产'], ['other', '其他财产'],
  ];
  var EXPENSE_KINDS = [
    ['medical', '医疗费用（自付部分）'], ['rehabilitation', '残疾康复费用'], ['education', '非义务教育阶段学费'],
    ['pension_contribution', '个人缴纳的养老保险费'], ['other', '其他刚性支出'],
  ];
  var PAID_MONTHLY = { dibao: true, tekun: true };
  var OPEN_STAGES = {
    draft: 1, submitted: 1, needs_materials: 1, accepted: 1, investigating: 1, reviewing: 1, hearing: 1, county_review: 1,
  };
  var EDITABLE_STAGES = { draft: 1, needs_materials: 1 };
  var AREA_LEVEL_LABELS = { county: '县（市、区）', township: '乡镇（街道）', village: '村（社区）' };

  function label(list, key) {
    for (var i = 0; i < list.length; i++) if (String(list[i][0]) === String(key)) return list[i][1];
    return key == null ? '' : String(key);
  }

  // ---------------------------------------------------------------- small DOM helpers
  var uid = 0;
  function nextId(prefix) { uid += 1; return (prefix || 'f') + '-' + uid; }

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var v = attrs[key];
        if (v == null || v === false) return;
        if (key === 'class') el.className = v;
        else if (key === 'dataset') Object.keys(v).forEach(function (d) { el.dataset[d] = v[d]; });
        else if (key.slice(0, 2) === 'on' && typeof v === 'function') el.addEventListener(key.slice(2), v);
        else if (key === 'value' || key === 'checked') el[key] = v;
        else el.setAttribute(key, v === true ? '' : v);
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, kid) {
    if (kid == null || kid === false) return;
    if (Array.isArray(kid)) { kid.forEach(function (k) { append(el, k); }); return; }
    el.appendChild(typeof kid === 'object' ? kid : document.createTextNode(String(kid)));
  }

  var viewEl = document.getElementById('view');
  function setView() {
    viewEl.textContent = '';
    for (var i = 0; i < arguments.length; i++) append(viewEl, arguments[i]);
    window.scrollTo(0, 0);
    var heading = viewEl.querySelector('h1');
    if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: true }); }
  }
  function loading(text) { setView(h('p', { class: 'loading', role: 'status' }, text || '正在加载，请稍候……')); }

  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function fmtDateTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso || '';
    return d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  function fmtDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日' : (iso || '');
  }
  function isMasked(value) { return typeof value === 'string' && value.indexOf('*') >= 0; }
  function toHalfWidth(s) {
    return String(s || '').replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[\uFF0E\u3002]/g, '.').replace(/[ｘＸ×]/g, 'X');
  }
  function cleanMoney(s) {
    var v = toHalfWidth(s).replace(/[,，\s元]/g, '');
    return v === '' ? null : v;
  }
  function cleanDigits(s) { var v = toHalfWidth(s).replace(/\s+/g, ''); return v === '' ? null : v; }
  function orNull(s) { s = (s == null ? '' : String(s)).trim(); return s === '' ? null : s; }

  // ---------------------------------------------------------------- session storage
  function sget(key) { try { return window.sessionStorage.getItem('doudi.' + key); } catch (e) { return null; } }
  function sset(key, value) {
    try {
      if (value == null) window.sessionStorage.removeItem('doudi.' + key);
      else window.sessionStorage.setItem('doudi.' + key, value);
    } catch (e) { /* private mode: keep going without */ }
  }
  function sgetJson(key) { try { return JSON.parse(sget(key) || 'null'); } catch (e) { return null; } }
  function ssetJson(key, value) { sset(key, value == null ? null : JSON.stringify(value)); }

  var renderSeq = 0; // a screen whose data arrives after the resident moved on must not replace the new one

  var S = {
    app: null, // the application being worked on, as the API last returned it
    fullIds: {}, // member id -> ID number typed in this visit (the API only returns masked ones)
    flash: null,
  };

  // ---------------------------------------------------------------- API
  function ApiError(status, body) {
    body = body || {};
    this.status = status;
    this.code = body.code || 'network_error';
    this.message = body.message || (status ? '系统暂时出了点问题，请稍后再试' : '网络连接不上，请检查网络后再试');
    this.errors = body.errors || {};
  }

  function api(method, path, body, options) {
    options = options || {};
    var headers = { Accept: 'application/json' };
    var token = sget('token');
    if (token && !options.noAuth) headers.Authorization = 'Bearer ' + token;
    var payload;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
    return fetch('/api' + path, { method: method, headers: headers, body: payload, cache: 'no-store' })
      .catch(function () { throw new ApiError(0, null); })
      .then(function (res) {
        if (res.status === 204) return null;
        return res.json().catch(function () { return null; }).then(function (data) {
          if (res.ok) return data;
          var err = new ApiError(res.status, data);
          if (res.status === 401 && !options.noAuth) { sessionEnded(err); err.handled = true; }
          throw err;
        });
      });
  }

  /** Nested marshmallow errors ({"members": {"0": {"id_number": [..]}}}) and flat ones ("members.0.id") alike. */
  function flattenErrors(errors, prefix, out) {
    out = out || {};
    Object.keys(errors || {}).forEach(function (key) {
      if (!prefix && key === 'detail') return;
      var path = prefix ? prefix + '.' + key : key;
      var value = errors[key];
      if (Array.isArray(value)) {
        value.forEach(function (item, i) {
          if (typeof item === 'string') (out[path] = out[path] || []).push(item);
          else if (item && typeof item === 'object') flattenErrors(item, path + '.' + i, out);
        });
      } else if (value && typeof value === 'object') flattenErrors(value, path, out);
      else if (typeof value === 'string') (out[path] = out[path] || []).push(value);
    });
    return out;
  }

  // ---------------------------------------------------------------- sign-in
  function startSignIn(message) {
    loading(message || '正在打开微信登录，请稍候……');
    return api('GET', '/resident/auth/wechat/authorize-url', undefined, { noAuth: true }).then(function (data) {
      // Remember the state this tab asked for: a link carrying someone else's sign-in code is refused on return.
      sset('oauthState', data.state);
      window.location.href = data.url;
    }, function (err) { signInProblem(err, null); });
  }

  function signInWithCode(code, state) {
    var expected = sget('oauthState');
    if (!expected || state !== expected) {
      // Not a sign-in this tab started (a forwarded or planted link): never sign in with it.
      window.history.replaceState(null, '', window.location.pathname + (window.location.hash || ''));
      if (sget('token')) { route(); return Promise.resolve(); }
      return startSignIn();
    }
    loading('正在登录，请稍候……');
    var body = { code: code };
    if (state) body.state = state;
    return api('POST', '/resident/auth/wechat', body, { noAuth: true }).then(function (session) {
      sset('oauthState', null);
      sset('token', session.token);
      ssetJson('me', session.me);
      var back = sget('return') || '#/';
      sset('return', null);
      // Drop ?code=&state= from the address bar: a later refresh must not resend a used code.
      window.history.replaceState(null, '', window.location.pathname + back);
      route();
    }, function (err) {
      window.history.replaceState(null, '', window.location.pathname + (window.location.hash || ''));
      // An old link (used or expired code) opened while still signed in: just carry on with the session.
      if (sget('token') && err.status === 401) { route(); return; }
      signInProblem(err, err.status === 0 || err.status >= 500 ? function () { signInWithCode(code, state); } : null);
    });
  }

  function signInProblem(err, retrySame) {
    setView(
      h('h1', null, '没能登录'),
      h('div', { class: 'notice notice-error', role: 'alert' }, h('p', null, err.message)),
      retrySame && h('button', { class: 'btn btn-primary', type: 'button', onclick: retrySame }, '再试一次'),
      h('button', {
        class: 'btn ' + (retrySame ? '' : 'btn-primary'),
        type: 'button',
        onclick: function () { sset('token', null); startSignIn(); },
      }, '重新进入'),
      h('p', { class: 'muted small' }, '也可以关闭页面，从公众号菜单重新进入。')
    );
  }

  function sessionEnded(err) {
    sset('token', null);
    sset('me', null);
    if (window.location.hash && window.location.hash !== '#/') sset('return', window.location.hash);
    setView(
      h('h1', null, '需要重新登录'),
      h('div', { class: 'notice notice-warn', role: 'alert' }, h('p', null, err.message || '登录已过期，请重新进入')),
      h('p', null, '您已经填写并保存的内容不会丢失。'),
      h('button', { class: 'btn btn-primary', type: 'button', onclick: function () { startSignIn(); } }, '重新登录')
    );
  }

  // ---------------------------------------------------------------- form fields
  function fieldShell(tag, opts, control, controlId) {
    var wrapper = h(tag, {
      class: 'field',
      'data-path': opts.path || null,
      'data-field': opts.field || null,
      'data-kind': opts.kind || 'text',
    });
    var title = [opts.label, opts.optional ? h('span', { class: 'optional' }, '（可不填）') : null];
    if (tag === 'fieldset') wrapper.appendChild(h('legend', null, title));
    else wrapper.appendChild(h('label', { for: controlId }, title));
    if (opts.hint) wrapper.appendChild(h('p', { class: 'hint', id: controlId ? controlId + '-hint' : null }, opts.hint));
    append(wrapper, control);
    return wrapper;
  }

  function textField(opts) {
    var id = nextId('in');
    var attrs = {
      id: id,
      name: opts.name || opts.field,
      type: opts.type || 'text',
      inputmode: opts.inputmode,
      autocomplete: opts.autocomplete || 'off',
      maxlength: opts.maxlength,
      placeholder: opts.placeholder,
      'aria-describedby': opts.hint ? id + '-hint' : null,
      autocapitalize: opts.autocapitalize,
      spellcheck: 'false',
    };
    var control = opts.rows ? h('textarea', Object.assign(attrs, { rows: opts.rows, type: null })) : h('input', attrs);
    control.value = opts.value == null ? '' : String(opts.value);
    return fieldShell('div', opts, control, id);
  }

  /** An ID number, phone or bank account the API returns masked: keep it unless the resident types a new one. */
  function secretField(opts) {
    var saved = opts.value;
    var masked = isMasked(saved);
    if (masked) {
      opts = Object.assign({}, opts, {
        value: '',
        placeholder: opts.savedPlaceholder !== undefined ? opts.savedPlaceholder : '不修改就不用填',
        hint: opts.savedHint || '为保护隐私只显示一部分。不需要修改就不用再填。',
      });
    }
    var field = textField(opts);
    field.dataset.saved = saved || '';
    if (masked) field.insertBefore(h('p', { class: 'saved-value' }, '✓ 已保存：' + saved), field.querySelector('.hint'));
    return field;
  }

  function selectField(opts) {
    var id = nextId('sel');
    var select = h('select', { id: id, name: opts.name || opts.field, 'aria-describedby': opts.hint ? id + '-hint' : null });
    select.appendChild(h('option', { value: '' }, opts.placeholder || '请选择'));
    (opts.options || []).forEach(function (o) { select.appendChild(h('option', { value: o[0] }, o[1])); });
    select.value = opts.value == null ? '' : String(opts.value);
    return fieldShell('div', Object.assign({ kind: 'select' }, opts), select, id);
  }

  function syncChoices(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.choice'), function (choice) {
      var input = choice.querySelector('input');
      choice.classList.toggle('is-checked', !!(input && input.checked));
    });
  }

  function radioField(opts) {
    var name = nextId(opts.field || 'r');
    var list = h('div', { class: 'choices' + (opts.columns === 2 ? ' two' : opts.columns === 3 ? ' three' : '') });
    opts.options.forEach(function (o) {
      var input = h('input', { type: 'radio', name: name, value: String(o[0]) });
      input.checked = opts.value != null && String(opts.value) === String(o[0]);
      list.appendChild(h('label', { class: 'choice' }, input, h('span', { class: 'choice-text' },
        h('span', { class: 'choice-title' }, o[1]), o[2] ? h('span', { class: 'choice-desc' }, o[2]) : null)));
    });
    var field = fieldShell('fieldset', Object.assign({ kind: 'radio' }, opts), list);
    syncChoices(field);
    field.addEventListener('change', function () { syncChoices(field); });
    return field;
  }

  function checkField(opts) {
    var input = h('input', { type: 'checkbox', name: opts.field });
    input.checked = !!opts.value;
    var field = h('div', { class: 'field', 'data-path': opts.path, 'data-field': opts.field, 'data-kind': 'check' },
      h('label', { class: 'choice consent-box' }, input, h('span', { class: 'choice-text' },
        h('span', { class: 'choice-title' }, opts.label), opts.desc ? h('span', { class: 'choice-desc' }, opts.desc) : null)));
    syncChoices(field);
    field.addEventListener('change', function () { syncChoices(field); });
    return field;
  }

  function readField(field) {
    if (!field) return undefined;
    var kind = field.dataset.kind;
    if (kind === 'radio') { var c = field.querySelector('input:checked'); return c ? c.value : null; }
    if (kind === 'check') return field.querySelector('input').checked;
    var control = field.querySelector('input, select, textarea');
    return control ? control.value.trim() : undefined;
  }
  function fieldIn(root, name) { return root.querySelector('[data-field="' + name + '"]'); }
  function valueIn(root, name) { return readField(fieldIn(root, name)); }
  /** A masked value left empty means "keep what was saved": undefined (omit it from the body). */
  function secretValue(root, name, clean) {
    var field = fieldIn(root, name);
    var typed = (clean || orNull)(readField(field));
    if (typed) return typed;
    return isMasked(field.dataset.saved) ? undefined : null;
  }
  function boolOrNull(v) { return v === 'true' ? true : v === 'false' ? false : null; }

  // ---------------------------------------------------------------- showing problems
  function clearErrors(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.field-error'), function (e) { e.remove(); });
    Array.prototype.forEach.call(root.querySelectorAll('.has-error'), function (f) {
      f.classList.remove('has-error');
      Array.prototype.forEach.call(f.querySelectorAll('[aria-invalid]'), function (c) { c.removeAttribute('aria-invalid'); });
    });
  }

  /** Put each message under its field; returns the paths that have no field on this screen. */
  function showFieldErrors(root, problems) {
    var unplaced = {};
    Object.keys(problems).forEach(function (path) {
      var field = root.querySelector('[data-path="' + path.replace(/"/g, '') + '"]');
      if (!field) { unplaced[path] = problems[path]; return; }
      field.classList.add('has-error');
      var id = nextId('err');
      field.appendChild(h('p', { class: 'field-error', id: id }, problems[path].join('；')));
      Array.prototype.forEach.call(field.querySelectorAll('input, select, textarea'), function (c) {
        c.setAttribute('aria-invalid', 'true');
        c.setAttribute('aria-describedby', ((c.getAttribute('aria-describedby') || '') + ' ' + id).trim());
      });
    });
    return unplaced;
  }

  function fieldLabelOf(root, path) {
    var field = root.querySelector('[data-path="' + path + '"]');
    if (!field) return '';
    var title = field.querySelector('legend, label, .choice-title');
    var text = title ? title.firstChild && title.firstChild.nodeType === 3 ? title.firstChild.nodeValue : title.textContent : '';
    var card = field.closest('.item-card');
    var cardTitle = card ? card.querySelector('.card-title') : null;
    return (cardTitle ? cardTitle.textContent + ' · ' : '') + text;
  }

  function focusField(root, path) {
    var field = root.querySelector('[data-path="' + path + '"]');
    if (!field) return;
    field.scrollIntoView({ block: 'center' });
    var control = field.querySelector('input, select, textarea');
    if (control) control.focus({ preventScroll: true });
  }

  /** The box at the top of a screen listing every problem on it, each a link to its field. */
  function problemSummary(root, box, problems, title) {
    box.textContent = '';
    var paths = Object.keys(problems);
    if (!paths.length) { box.hidden = true; return; }
    box.hidden = false;
    box.className = 'notice notice-error';
    box.setAttribute('role', 'alert');
    box.appendChild(h('p', { class: 'notice-title' }, title || ('这一步还有 ' + paths.length + ' 处需要修改')));
    var list = h('ul', { class: 'problem-list' });
    paths.forEach(function (path) {
      var where = fieldLabelOf(root, path) || placeOf(path);
      var item = h('li', null, where ? h('span', { class: 'problem-step' }, where) : null, problems[path].join('；'));
      if (root.querySelector('[data-path="' + path + '"]')) {
        item.appendChild(h('br'));
        item.appendChild(h('button', { type: 'button', class: 'btn-link', onclick: function () { focusField(root, path); } }, '去修改'));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  // Problems from the last submit, kept per application so every step can show its own.
  function problemsOf(appId) { return sgetJson('problems.' + appId) || {}; }
  function setProblems(appId, problems) { ssetJson('problems.' + appId, Object.keys(problems).length ? problems : null); }

  // ---------------------------------------------------------------- the steps of the form
  var PERSON_FIELDS = ['name', 'id_number', 'phone'];
  var HOME_FIELDS = ['area_code', 'household_type', 'registered_address', 'current_address'];
  var HEALTH_FIELDS = ['work_capacity', 'disability_grade', 'serious_illness'];

  var STEPS = [
    { key: 'person', title: '申请人是谁', part: 'applicant', owns: pathsUnder('applicant', PERSON_FIELDS) },
    { key: 'home', title: '住在哪里', part: 'applicant', owns: pathsUnder('applicant', HOME_FIELDS) },
    { key: 'health', title: '身体和劳动能力', part: 'applicant', owns: pathsUnder('applicant', HEALTH_FIELDS) },
    { key: 'members', title: '一起生活的家人', part: 'members', owns: prefixOwner('members') },
    { key: 'income', title: '家里的收入', part: 'income', owns: prefixOwner('income') },
    { key: 'assets', title: '家里的财产', part: 'assets', owns: prefixOwner('assets') },
    { key: 'expenses', title: '看病、上学等大额支出', part: 'expenses', owns: prefixOwner('expenses') },
    { key: 'bank', title: '收钱用的银行卡', part: 'bank', owns: prefixOwner('bank') },
    { key: 'reason', title: '为什么需要帮助', part: 'reason', owns: prefixOwner('reason') },
    { key: 'consent', title: '同意核对家庭经济状况', part: 'consent', owns: prefixOwner('consent_to_verification') },
    { key: 'materials', title: '拍照上传证明材料', part: null, owns: prefixOwner('attachments') },
  ];
  function pathsUnder(head, fields) {
    return function (path) { var p = path.split('.'); return p[0] === head && fields.indexOf(p[1]) >= 0; };
  }
  function prefixOwner(head) { return function (path) { return path === head || path.indexOf(head + '.') === 0; }; }
  function stepOfPath(path) {
    for (var i = 0; i < STEPS.length; i++) if (STEPS[i].owns(path)) return i;
    return -1;
  }
  function placeOf(path) {
    var p = path.split('.');
    var nth = p.length > 1 && /^\d+$/.test(p[1]) ? Number(p[1]) + 1 : null;
    if (p[0] === 'members' && nth) return '第' + nth + '位家人';
    if (p[0] === 'income' && nth) return '第' + nth + '项收入';
    if (p[0] === 'assets' && nth) return '第' + nth + '项财产';
    if (p[0] === 'expenses' && nth) return '第' + nth + '项支出';
    if (p[0] === 'proxy') return '代办人信息';
    return '';
  }
  function memberOptions(app) {
    var opts = [];
    if (app.applicant.member_id) opts.push([app.applicant.member_id, '申请人' + (app.applicant.name ? '（' + app.applicant.name + '）' : '')]);
    app.members.forEach(function (m, i) { opts.push([m.id, (m.name || '第' + (i + 1) + '位家人') + (m.relation ? '（' + label(RELATIONS, m.relation) + '）' : '')]); });
    return opts;
  }

  // -- step 1: who applies
  function personStep(app) {
    var a = app.applicant;
    var el = h('div', null,
      app.on_behalf ? h('div', { class: 'notice notice-info' }, h('p', null, '您是在帮别人申请。下面请填写',
        h('strong', null, '需要救助的那个人'), '的信息。')) : null,
      textField({ path: 'applicant.name', field: 'name', label: '姓名', value: a.name, autocomplete: 'name', maxlength: 50 }),
      photoField(app, function (reading, box) { offerCardFields(el, reading, box, ['name', 'id_number']); }),
      secretField({
        path: 'applicant.id_number', field: 'id_number', label: '身份证号码', value: a.id_number, maxlength: 40,
        hint: '18位，最后一位可能是 X。', autocapitalize: 'characters',
      }),
      secretField({
        path: 'applicant.phone', field: 'phone', label: '联系电话', value: a.phone, type: 'tel', inputmode: 'tel',
        maxlength: 20, hint: '手机号，或带区号的固定电话。工作人员会用它联系您。', autocomplete: 'tel',
      })
    );
    return {
      el: el,
      collect: function () {
        var body = { name: orNull(valueIn(el, 'name')) };
        var idNumber = secretValue(el, 'id_number', cleanDigits);
        var phone = secretValue(el, 'phone', cleanDigits);
        if (idNumber !== undefined) body.id_number = idNumber;
        if (phone !== undefined) body.phone = phone;
        return body;
      },
    };
  }

  var ATTACHMENT_KINDS = [
    ['id_card_portrait', '身份证人像面'], ['id_card_emblem', '身份证国徽面'], ['household_register', '户口簿'],
    ['income_proof', '收入证明'], ['medical_receipt', '医疗费用票据'], ['disability_certificate', '残疾证'],
    ['house_photo', '住房照片'], ['authorization_form', '核对授权书'], ['other', '其他材料'],
  ];

  /** "Take a photo" and "choose from the album": two big buttons over hidden file inputs. */
  function photoButtons(onFile, cameraText) {
    var cameraId = nextId('cam');
    var albumId = nextId('alb');
    var camera = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: cameraId, class: 'file-input' });
    var album = h('input', { type: 'file', accept: 'image/*', id: albumId, class: 'file-input' });
    [camera, album].forEach(function (input) {
      input.addEventListener('change', function () {
        var file = input.files && input.files[0];
        input.value = '';
        if (file) onFile(file);
      });
    });
    return h('div', { class: 'photo-box' },
      camera, h('label', { class: 'btn', for: cameraId }, cameraText || '拍照'),
      album, h('label', { class: 'btn', for: albumId }, '从手机相册里选'));
  }

  function uploadPhoto(app, kind, file) {
    return shrinkPhoto(file).then(function (blob) {
      var form = new FormData();
      form.append('kind', kind);
      form.append('file', blob, blob.name || file.name || 'photo.jpg');
      return api('POST', '/resident/applications/' + app.id + '/attachments', form).then(function (att) {
        return { att: att, url: URL.createObjectURL(blob) };
      });
    });
  }

  function attachmentImage(app, att, localUrl, alt) {
    var img = h('img', { class: 'photo-thumb', alt: alt || label(ATTACHMENT_KINDS, att.kind) });
    if (localUrl) img.src = localUrl;
    else {
      // The photo needs the Authorization header, so it cannot be an <img src> URL: fetch it as a blob.
      fetch('/api/resident/applications/' + app.id + '/attachments/' + att.id + '/content', {
        headers: { Authorization: 'Bearer ' + sget('token') },
      }).then(function (r) { return r.ok ? r.blob() : null; }).then(function (blob) {
        if (blob) img.src = URL.createObjectURL(blob); else img.remove();
      }, function () { img.remove(); });
    }
    return img;
  }

  function deletePhotoButton(app, att, done) {
    return h('button', {
      type: 'button', class: 'btn-link', onclick: function () {
        confirmDialog({ title: '删除这张照片？', okText: '删除', cancelText: '不删除' }).then(function (r) {
          if (!r.ok) return;
          api('DELETE', '/resident/applications/' + app.id + '/attachments/' + att.id).then(function () { done(null); },
            function (err) { if (!err.handled) done(err); });
        });
      },
    }, '删除这张照片');
  }

  function uploadFailed(field, path, err) {
    if (err && err.handled) return;
    var problems = {};
    problems[path] = [err && err.message ? err.message : '照片没有传上去，请再试一次'];
    clearErrors(field);
    showFieldErrors(field.parentNode || field, problems);
  }

  // ---------------------------------------------------------------- the ID card read from its photo
  // The server reads an uploaded ID-card photo in the background; the page polls, then offers what it read:
  // empty boxes are filled (to check), anything typed or saved already is only offered, never overwritten.
  function followCardReading(app, att, box, onRead) {
    var tries = 0;
    var line = h('p', { class: 'upload-status', role: 'status' }, '正在识别身份证上的字，请稍候……');
    box.textContent = '';
    box.appendChild(line);
    (function poll() {
      var url = '/resident/applications/' + app.id + '/attachments/' + att.id + '/id-card-reading';
      api('GET', url).then(function (r) {
        if (r.status === 'queued' || r.status === 'running') {
          if (++tries > 40) { line.textContent = '识别得比较慢，您可以先自己填写。'; return; }
          setTimeout(poll, Math.max(1, r.poll_after_seconds || 1) * 1000);
          return;
        }
        if (r.status !== 'done') { line.textContent = r.message || '没能认出这张照片上的字，请自己填写。'; return; }
        S.cardReading = { appId: app.id, fields: r.fields || {} };
        onRead(r.fields || {}, box);
      }, function () { line.textContent = '没能认出这张照片上的字，请自己填写。'; });
    })();
  }

  function cardField(fields, target) {
    var found = null;
    Object.keys(fields).forEach(function (k) { if (fields[k].target === target && fields[k].value) found = fields[k]; });
    return found;
  }

  function offerCardFields(root, fields, box, targets) {
    var filled = [];
    var offers = [];
    targets.forEach(function (target) {
      var f = cardField(fields, target);
      var field = fieldIn(root, target);
      var input = field && field.querySelector('input, textarea');
      if (!f || !input) return;
      var typed = input.value.trim();
      if (!typed && !isMasked(field.dataset.saved) && !f.suggestion) {
        input.value = f.value;
        field.classList.add('from-card');
        filled.push(f.label);
      } else if (toHalfWidth(typed).toUpperCase() !== f.value) {
        offers.push({ f: f, input: input, field: field });
      }
    });
    box.textContent = '';
    box.appendChild(h('p', { class: 'upload-status ok', role: 'status' }, filled.length
      ? '✓ 已从身份证照片填入：' + filled.join('、') + '。请核对，不对就直接改。'
      : '✓ 身份证照片已识别。'));
    offers.forEach(function (o) {
      var typed = o.input.value.trim();
      var row = h('p', { class: 'card-offer' }, o.f.label + (o.f.suggestion ? '：照片上看不太清，可能是 ' : '：照片上是 '),
        h('strong', null, o.f.value), typed ? '，和您填的不一样。' : '。');
      row.appendChild(h('button', { class: 'btn', type: 'button', onclick: function () {
        o.input.value = o.f.value;
        o.field.classList.add('from-card');
        row.remove();
      } }, '用照片上的'));
      box.appendChild(row);
    });
  }

  function photoField(app, onRead) {
    var path = 'attachments.id_card_portrait';
    var status = h('p', { class: 'upload-status', role: 'status' });
    var preview = h('div');
    var reading = h('div', { class: 'card-reading', 'aria-live': 'polite' });
    var field = h('div', { class: 'field', 'data-path': path, 'data-kind': 'photo' },
      h('span', { class: 'field-label' }, '身份证照片（有头像的一面）', h('span', { class: 'optional' }, '（可不传）')),
      h('p', { class: 'hint' }, '拍一张清楚的身份证照片，姓名和身份证号码会自动填好（请核对），工作人员核对时也不用再跑一趟。'),
      status, preview, reading,
      photoButtons(function (file) {
        clearErrors(field);
        status.textContent = '正在上传照片，请稍候……';
        status.className = 'upload-status';
        uploadPhoto(app, 'id_card_portrait', file).then(function (r) {
          show(r.att, r.url);
          followCardReading(app, r.att, reading, onRead);
        }, function (err) {
          status.textContent = '';
          uploadFailed(field, path, err);
        });
      }, '拍身份证'));

    function show(att, localUrl) {
      status.textContent = '✓ 身份证照片已上传';
      status.className = 'upload-status ok';
      preview.textContent = '';
      preview.appendChild(attachmentImage(app, att, localUrl, '已上传的身份证照片'));
      preview.appendChild(deletePhotoButton(app, att, function (err) {
        if (err) { status.textContent = err.message; return; }
        preview.textContent = '';
        status.textContent = '照片已删除，可以重新拍。';
        status.className = 'upload-status';
      }));
    }
    api('GET', '/resident/applications/' + app.id + '/attachments').then(function (list) {
      var mine = (list.items || []).filter(function (a) { return a.kind === 'id_card_portrait'; });
      if (mine.length) show(mine[mine.length - 1]);
    }, function () { /* the list is a convenience */ });
    return field;
  }

  // -- the photos of papers (户口簿, receipts, certificates): also what "补充材料" asks for
  function materialsStep(app) {
    var policyBox = h('div');
    if (app.applicant.area_code) showPolicy(policyBox, { code: app.applicant.area_code }, app.program, true);
    var list = h('div');
    var empty = h('p', { class: 'muted' }, '还没有上传照片。');
    var status = h('p', { class: 'upload-status', role: 'status' });
    var kind = selectField({ path: 'attachments.kind', field: 'kind', label: '这张照片拍的是什么', options: ATTACHMENT_KINDS });
    var uploader = h('div', { class: 'field', 'data-path': 'attachments' }, status, photoButtons(function (file) {
      clearErrors(el);
      var chosen = readField(kind);
      if (!chosen) {
        showFieldErrors(el, { 'attachments.kind': ['请先选择这张照片拍的是什么'] });
        focusField(el, 'attachments.kind');
        return;
      }
      status.textContent = '正在上传照片，请稍候……';
      status.className = 'upload-status';
      uploadPhoto(app, chosen, file).then(function (r) {
        status.textContent = '✓ ' + label(ATTACHMENT_KINDS, chosen) + '的照片已上传';
        status.className = 'upload-status ok';
        addCard(r.att, r.url);
      }, function (err) { status.textContent = ''; uploadFailed(uploader, 'attachments', err); });
    }));
    function addCard(att, url) {
      empty.hidden = true;
      var card = h('div', { class: 'card' }, h('p', { class: 'card-title' }, label(ATTACHMENT_KINDS, att.kind)),
        attachmentImage(app, att, url));
      card.appendChild(deletePhotoButton(app, att, function (err) {
        if (err) { status.textContent = err.message; return; }
        card.remove();
        empty.hidden = !!list.querySelector('.card');
      }));
      list.appendChild(card);
    }
    api('GET', '/resident/applications/' + app.id + '/attachments').then(function (result) {
      (result.items || []).forEach(function (att) { addCard(att); });
    }, function () { /* the list is a convenience */ });
    var el = h('div', null,
      h('p', { class: 'lead' }, '户口簿、收入证明、看病的票据、残疾证等，可以拍照传上来。没有的可以先不传，工作人员会告诉您还缺什么。'),
      policyBox,
      h('h2', null, '已经上传的照片'), empty, list,
      h('h2', null, '再传一张'), kind, uploader);
    return { el: el, collect: function () { return { skip: true }; } };
  }

  /** Phone photos are often 4–8 MB: send a 2000px JPEG instead when the browser can make one. */
  function shrinkPhoto(file) {
    if (!window.createImageBitmap || file.size < 1.5 * 1024 * 1024) return Promise.resolve(file);
    return window.createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (blob) blob.name = 'photo.jpg';
          resolve(blob || file);
        }, 'image/jpeg', 0.88);
      });
    }).catch(function () { return file; });
  }

  // -- step 2: where the household lives
  function homeStep(app) {
    var a = app.applicant;
    var policyBox = h('div');
    var picker = areaPicker({
      path: 'applicant.area_code', value: a.area_code,
      onChange: function (area) { showPolicy(policyBox, area, app.program, true); },
    });
    var registered = textField({
      path: 'applicant.registered_address', field: 'registered_address', label: '户口本上的地址', value: a.registered_address,
      rows: 2, maxlength: 200,
    });
    var same = h('input', { type: 'checkbox' });
    var current = textField({
      path: 'applicant.current_address', field: 'current_address', label: '现在住的地址', value: a.current_address,
      rows: 2, maxlength: 200,
    });
    var sameBox = h('label', { class: 'choice', style: 'margin-bottom:1.2rem' }, same,
      h('span', { class: 'choice-text' }, h('span', { class: 'choice-title' }, '现在就住在户口本上的地址')));
    same.addEventListener('change', function () {
      syncChoices(sameBox.parentNode);
      var target = current.querySelector('textarea');
      if (same.checked) { target.value = registered.querySelector('textarea').value; target.readOnly = true; }
      else target.readOnly = false;
    });
    registered.querySelector('textarea').addEventListener('input', function () {
      if (same.checked) current.querySelector('textarea').value = this.value;
    });
    var el = h('div', null,
      picker.el, policyBox,
      radioField({ path: 'applicant.household_type', field: 'household_type', label: '户口类型', options: HOUSEHOLD_TYPES,
        value: a.household_type, columns: 2, hint: '看户口本：城镇户口还是农村户口。' }),
      registered, sameBox, current);
    var card = S.cardReading && S.cardReading.appId === app.id ? cardField(S.cardReading.fields, 'registered_address') : null;
    if (card && !a.registered_address && !card.suggestion) {
      registered.querySelector('textarea').value = card.value;
      registered.classList.add('from-card');
      registered.insertBefore(h('p', { class: 'saved-value' }, '从身份证照片读到的地址，请核对'), registered.querySelector('textarea'));
    }
    if (a.registered_address && a.registered_address === a.current_address) {
      same.checked = true;
      current.querySelector('textarea').readOnly = true;
    }
    syncChoices(el);
    return {
      el: el,
      collect: function () {
        return {
          area_code: picker.value(),
          household_type: valueIn(el, 'household_type'),
          registered_address: orNull(valueIn(el, 'registered_address')),
          current_address: orNull(valueIn(el, 'current_address')),
        };
      },
      areaName: function () { return picker.name(); },
    };
  }

  /** County → township → village, each list fetched from /api/public/areas?parent=. */
  function areaPicker(opts) {
    var levels = ['county', 'township', 'village'];
    var selects = [];
    // Until the resident changes a list, the value is the saved one: restoring the cascade takes several
    // requests, and a quick "save" meanwhile must not store a half-filled county or township.
    var touched = false;
    var names = {};
    var el = h('fieldset', { class: 'field', 'data-path': opts.path || null, 'data-field': 'area_code', 'data-kind': 'area' },
      h('legend', null, '住在哪个村（社区）'),
      h('p', { class: 'hint' }, '从上往下依次选择。'));
    levels.forEach(function (level, i) {
      var id = nextId('area');
      var select = h('select', { id: id, disabled: i > 0 });
      select.appendChild(h('option', { value: '' }, i > 0 ? '请先选上一级' : '正在加载……'));
      selects.push(select);
      el.appendChild(h('div', { style: 'margin-bottom:0.7rem' }, h('label', { for: id, class: 'field-label' }, AREA_LEVEL_LABELS[level]), select));
      select.addEventListener('change', function () { touched = true; choose(i, select.value, true); });
    });

    function fill(i, items) {
      var select = selects[i];
      select.textContent = '';
      select.appendChild(h('option', { value: '' }, items.length ? '请选择' + AREA_LEVEL_LABELS[levels[i]] : '没有可选的地区'));
      items.forEach(function (a) { names[a.code] = a.name; select.appendChild(h('option', { value: a.code }, a.name)); });
      select.disabled = !items.length;
    }
    function reset(from) {
      for (var j = from; j < selects.length; j++) {
        selects[j].textContent = '';
        selects[j].appendChild(h('option', { value: '' }, '请先选上一级'));
        selects[j].disabled = true;
      }
    }
    function load(i, parent) {
      return api('GET', '/public/areas' + (parent ? '?parent=' + encodeURIComponent(parent) : ''), undefined, { noAuth: true })
        .then(function (data) { fill(i, data.items || []); return data.items || []; });
    }
    function choose(i, code, byHand) {
      reset(i + 1);
      if (code && i + 1 < selects.length) {
        load(i + 1, code).then(function (items) {
          if (items.length === 1 && byHand !== 'restore') { selects[i + 1].value = items[0].code; choose(i + 1, items[0].code, byHand); }
        });
      }
      if (opts.onChange) opts.onChange(value() ? { code: value(), name: names[value()] } : null);
    }
    function value() {
      if (!touched) return opts.value || null;
      for (var j = selects.length - 1; j >= 0; j--) if (selects[j].value) return selects[j].value;
      return null;
    }
    // The API gives no ancestors of a code; administrative codes nest by prefix, so find each level that way.
    function restore(i, parent, target) {
      return load(i, parent).then(function (items) {
        var match = items.filter(function (a) { return target && target.indexOf(a.code) === 0; })[0];
        if (!match && items.length === 1 && !target) match = items[0];
        if (!match) { if (opts.onChange && target) opts.onChange(null); return; }
        selects[i].value = match.code;
        if (match.code !== target && i + 1 < selects.length) return restore(i + 1, match.code, target);
        if (opts.onChange) opts.onChange({ code: match.code, name: match.name });
        if (i + 1 < selects.length) load(i + 1, match.code);
      });
    }
    restore(0, null, opts.value || null).catch(function () {
      selects[0].textContent = '';
      selects[0].appendChild(h('option', { value: '' }, '地区列表没有加载出来，请刷新页面'));
    });
    return { el: el, value: value, name: function () { return names[value()] || null; } };
  }

  function showPolicy(box, area, program, collapsed) {
    box.textContent = '';
    if (!area) return;
    box.appendChild(h('p', { class: 'muted', role: 'status' }, '正在查看当地政策……'));
    api('GET', '/public/areas/' + encodeURIComponent(area.code) + '/policy', undefined, { noAuth: true }).then(function (policy) {
      box.textContent = '';
      var entry = (policy.programs || []).filter(function (p) { return p.program === program; })[0];
      if (!entry) return;
      var standard = entry.standard || {};
      var yuan = function (v) { return String(v).replace(/\.00$/, '') + ' 元'; };
      var per = standard.unit === '元/人/月' ? '每人每月 ' : '';
      var standardText = standard.urban
        ? ['城镇户口：' + per + yuan(standard.urban), h('br'), '农村户口：' + per + yuan(standard.rural)]
        : (standard.note || standard.unit || '');
      var details = [
        h('dl', null,
          h('dt', null, '保障标准'), h('dd', null, standardText),
          h('dt', null, '需要准备的材料'),
          h('dd', null, h('ol', null, (entry.required_materials || []).map(function (m) { return h('li', null, m); })))),
        (policy.notes || []).map(function (n) { return h('p', { class: 'small muted' }, n); })];
      var heading = policy.area.name + '：' + entry.label;
      box.appendChild(collapsed
        ? h('details', { class: 'card policy policy-more' }, h('summary', null, '看看' + policy.area.name + '的救助标准和要准备的材料'), details)
        : h('section', { class: 'card policy', 'aria-label': '当地政策' }, h('h2', { class: 'card-title' }, heading), details));
    }, function (err) {
      box.textContent = '';
      if (!err.handled) box.appendChild(h('p', { class: 'muted' }, '当地政策暂时没有查到：' + err.message));
    });
  }

  // -- step 3: health and ability to work
  function healthStep(app) {
    var a = app.applicant;
    var el = h('div', null,
      radioField({
        path: 'applicant.work_capacity', field: 'work_capacity', label: '申请人能不能干活挣钱', options: WORK_CAPACITY,
        value: a.work_capacity, optional: app.program !== 'tekun',
        hint: app.program === 'tekun' ? '申请特困供养必须选择这一项。' : null,
      }),
      radioField({
        path: 'applicant.disability_grade', field: 'disability_grade', label: '有没有残疾证', options: DISABILITY,
        value: a.disability_grade == null ? '' : a.disability_grade, columns: 2,
        hint: '有残疾证的，选残疾证上写的等级。',
      }),
      radioField({
        path: 'applicant.serious_illness', field: 'serious_illness', label: '有没有重病、大病', options: YES_NO,
        value: a.serious_illness ? 'true' : 'false',
        columns: 2,
      }));
    return {
      el: el,
      collect: function () {
        var grade = valueIn(el, 'disability_grade');
        return {
          work_capacity: valueIn(el, 'work_capacity'),
          disability_grade: grade ? Number(grade) : null,
          serious_illness: valueIn(el, 'serious_illness') === 'true',
        };
      },
    };
  }

  // -- lists of cards: members, income, assets, expenses
  function cardList(section, rows, makeCard, addText, emptyText) {
    var list = h('div', { class: 'card-list' });
    var empty = h('p', { class: 'notice notice-info' }, emptyText);
    function renumber() {
      var cards = list.querySelectorAll('.item-card');
      Array.prototype.forEach.call(cards, function (card, i) {
        card.querySelector('.card-title').textContent = card.dataset.titlePrefix + (i + 1) + card.dataset.titleSuffix;
        Array.prototype.forEach.call(card.querySelectorAll('[data-field]'), function (f) {
          f.dataset.path = section + '.' + i + '.' + f.dataset.field;
        });
      });
      empty.hidden = cards.length > 0;
    }
    function add(row) {
      var card = makeCard(row || {});
      card.appendChild(h('button', {
        type: 'button', class: 'btn btn-danger', onclick: function () {
          confirmDialog({ title: '删除“' + card.querySelector('.card-title').textContent + '”？', text: '删除后需要保存才算数。',
            okText: '删除', cancelText: '不删除' }).then(function (r) {
            if (!r.ok) return;
            card.remove();
            renumber();
          });
        },
      }, '删除这一条'));
      list.appendChild(card);
      renumber();
      return card;
    }
    rows.forEach(function (r) { add(r); });
    var addButton = h('button', {
      type: 'button', class: 'btn', onclick: function () {
        var card = add({});
        card.scrollIntoView({ block: 'start' });
        var first = card.querySelector('input, select');
        if (first) first.focus({ preventScroll: true });
      },
    }, '＋ ' + addText);
    renumber();
    return {
      el: h('div', null, empty, list, addButton),
      cards: function () { return Array.prototype.slice.call(list.querySelectorAll('.item-card')); },
    };
  }

  function itemCard(titlePrefix, titleSuffix, id) {
    return h('section', { class: 'card item-card', dataset: { id: id || '', titlePrefix: titlePrefix, titleSuffix: titleSuffix } },
      h('h2', { class: 'card-title' }, titlePrefix));
  }

  function membersStep(app) {
    var saved = {};
    app.members.forEach(function (m) { saved[m.id] = m; });
    var list = cardList('members', app.members, function (m) {
      var card = itemCard('第', '位家人', m.id);
      card.append(
        textField({ field: 'name', label: '姓名', value: m.name, maxlength: 50 }),
        secretField({ field: 'id_number', label: '身份证号码', value: m.id_number, maxlength: 40, autocapitalize: 'characters',
          savedHint: '为保护隐私只显示一部分。改了这位家人的其他内容时，要把号码重新填一遍。', savedPlaceholder: null }),
        selectField({ field: 'relation', label: '是申请人的什么人', options: RELATIONS, value: m.relation }),
        radioField({ field: 'co_resident', label: '是否和申请人住在一起', options: YES_NO, columns: 2,
          value: m.co_resident === false ? 'false' : 'true' }),
        selectField({ field: 'work_capacity', label: '能不能干活挣钱', options: WORK_CAPACITY, value: m.work_capacity, optional: true }),
        selectField({ field: 'disability_grade', label: '残疾等级', options: DISABILITY.slice(1), value: m.disability_grade,
          placeholder: '没有残疾', optional: true }),
        radioField({ field: 'serious_illness', label: '有没有重病、大病', options: YES_NO, columns: 2,
          value: m.serious_illness ? 'true' : 'false' }));
      return card;
    }, '添加一位家人', '一个人生活的，不用添加，直接点下面的“保存并继续”。');
    var el = h('div', null,
      h('p', { class: 'lead' }, '除了申请人以外，和申请人一起生活的家人：配偶、子女、父母等。'),
      list.el);

    function comparable(m) {
      return JSON.stringify([m.id || null, m.name || null, m.relation || null, m.co_resident !== false,
        m.work_capacity || null, m.disability_grade || null, !!m.serious_illness]);
    }
    return {
      el: el,
      collect: function () {
        var problems = {};
        var typedAny = false;
        var members = list.cards().map(function (card, i) {
          var id = card.dataset.id || null;
          var grade = valueIn(card, 'disability_grade');
          var m = {
            name: orNull(valueIn(card, 'name')),
            relation: valueIn(card, 'relation') || null,
            co_resident: valueIn(card, 'co_resident') !== 'false',
            work_capacity: valueIn(card, 'work_capacity') || null,
            disability_grade: grade ? Number(grade) : null,
            serious_illness: valueIn(card, 'serious_illness') === 'true',
          };
          if (id) m.id = id;
          var typed = cleanDigits(valueIn(card, 'id_number'));
          if (typed) { m.id_number = typed; typedAny = true; } else if (id && isMasked(saved[id] && saved[id].id_number)) {
            if (S.fullIds[id]) m.id_number = S.fullIds[id];
            else m.needsId = i;
          } else m.id_number = null;
          return m;
        });
        var unchanged = !typedAny && members.length === app.members.length && members.every(function (m, i) {
          return comparable(m) === comparable(app.members[i]);
        });
        if (unchanged) return { skip: true };
        members.forEach(function (m) {
          if (m.needsId !== undefined) {
            problems['members.' + m.needsId + '.id_number'] = [
              '修改家人信息后，需要重新填写这位家人的身份证号码（为保护隐私，已保存的号码只显示一部分，无法自动带出）'];
          }
          delete m.needsId;
        });
        if (Object.keys(problems).length) return { problems: problems };
        return { members: members };
      },
      saved: function (body, result) {
        (body.members || []).forEach(function (m, i) {
          if (m.id_number && result.members[i]) S.fullIds[result.members[i].id] = m.id_number;
        });
      },
    };
  }

  function itemsStep(app, section, config) {
    var list = cardList(section, app[section], function (item) {
      var card = itemCard(config.title[0], config.title[1]);
      card.append(
        selectField({ field: 'member_id', label: config.whoLabel, options: memberOptions(app), value: item.member_id,
          placeholder: '请选择家里的人' }),
        selectField({ field: config.kindField, label: config.kindLabel, options: config.kinds, value: item[config.kindField] }));
      config.fields(card, item);
      return card;
    }, config.addText, config.emptyText);
    var el = h('div', null, h('p', { class: 'lead' }, config.intro), list.el);
    return {
      el: el,
      collect: function () {
        return {
          items: list.cards().map(function (card) {
            var item = { member_id: valueIn(card, 'member_id') || null };
            item[config.kindField] = valueIn(card, config.kindField) || null;
            config.read(card, item);
            return item;
          }),
        };
      },
    };
  }

  function moneyField(field, text, value, optional, hint) {
    return textField({ field: field, label: text, value: value, inputmode: 'decimal', maxlength: 14, optional: optional,
      hint: hint || '单位：元。', placeholder: '例如 800' });
  }

  function incomeStep(app) {
    return itemsStep(app, 'income', {
      title: ['第', '项收入'], whoLabel: '谁的收入', kindField: 'category', kindLabel: '什么收入', kinds: INCOME_CATEGORIES,
      addText: '添加一项收入', emptyText: '家里没有任何收入的，直接点下面的“保存并继续”。',
      intro: '家里每个人的工资、养老金、种地养殖、子女给的赡养费等，都要写上。',
      fields: function (card, item) {
        card.append(moneyField('amount', '金额', item.amount),
          radioField({ field: 'period', label: '多长时间', options: PERIODS, columns: 3, value: item.period || 'monthly' }),
          textField({ field: 'note', label: '说明', value: item.note, optional: true, maxlength: 200 }));
      },
      read: function (card, item) {
        item.amount = cleanMoney(valueIn(card, 'amount'));
        item.period = valueIn(card, 'period') || 'monthly';
        item.note = orNull(valueIn(card, 'note'));
      },
    });
  }

  function assetsStep(app) {
    return itemsStep(app, 'assets', {
      title: ['第', '项财产'], whoLabel: '谁名下的', kindField: 'kind', kindLabel: '什么财产', kinds: ASSET_KINDS,
      addText: '添加一项财产', emptyText: '没有房子、车子、存款的，直接点下面的“保存并继续”。',
      intro: '房子、车子、存款和理财，写上有几套（辆）、大概值多少钱。',
      fields: function (card, item) {
        card.append(textField({ field: 'quantity', label: '数量', value: item.quantity == null ? 1 : item.quantity,
          inputmode: 'numeric', maxlength: 4, hint: '几套房、几辆车；存款填 1。' }),
        moneyField('amount', '价值或金额', item.amount, true),
        textField({ field: 'description', label: '说明', value: item.description, optional: true, maxlength: 200,
          placeholder: '例如：自住平房两间' }));
      },
      read: function (card, item) {
        var q = cleanDigits(valueIn(card, 'quantity'));
        item.quantity = q == null ? 1 : (/^\d+$/.test(q) ? Number(q) : q);
        item.amount = cleanMoney(valueIn(card, 'amount'));
        item.description = orNull(valueIn(card, 'description'));
      },
    });
  }

  function expensesStep(app) {
    return itemsStep(app, 'expenses', {
      title: ['第', '项支出'], whoLabel: '为谁花的', kindField: 'kind', kindLabel: '什么支出', kinds: EXPENSE_KINDS,
      addText: '添加一项支出', emptyText: '没有这类大额支出的，直接点下面的“保存并继续”。',
      intro: '看病自己掏的钱、残疾康复费、孩子上高中或大学的学费等。',
      fields: function (card, item) {
        card.append(moneyField('amount', '一共花了多少', item.amount),
          moneyField('reimbursed', '医保或其他已经报销了多少', item.reimbursed, true),
          radioField({ field: 'period', label: '多长时间', options: PERIODS, columns: 3, value: item.period || 'yearly' }),
          textField({ field: 'incurred_on', label: '花钱的日期', type: 'date', value: item.incurred_on, optional: true }),
          textField({ field: 'note', label: '说明', value: item.note, optional: true, maxlength: 200 }));
      },
      read: function (card, item) {
        item.amount = cleanMoney(valueIn(card, 'amount'));
        item.reimbursed = cleanMoney(valueIn(card, 'reimbursed'));
        item.period = valueIn(card, 'period') || 'yearly';
        item.incurred_on = valueIn(card, 'incurred_on') || null;
        item.note = orNull(valueIn(card, 'note'));
      },
    });
  }

  function bankStep(app) {
    var b = app.bank || {};
    var monthly = PAID_MONTHLY[app.program];
    var el = h('div', null,
      h('p', { class: 'lead' }, monthly ? '批准以后，补助按月打到这张银行卡上。' : '临时救助可以先不填；工作人员会和您商量怎么发放。'),
      textField({ path: 'bank.bank_name', field: 'bank_name', label: '哪个银行', value: b.bank_name, maxlength: 60,
        placeholder: '例如：农村商业银行', optional: !monthly }),
      secretField({ path: 'bank.account', field: 'account', label: '银行卡号', value: b.account, inputmode: 'numeric',
        maxlength: 40, optional: !monthly, hint: '卡正面的一串数字。' }),
      textField({ path: 'bank.holder', field: 'holder', label: '卡上的户名', value: b.holder, maxlength: 50, optional: !monthly,
        hint: '一般是申请人本人。' }));
    return {
      el: el,
      collect: function () {
        var body = { bank_name: orNull(valueIn(el, 'bank_name')), holder: orNull(valueIn(el, 'holder')) };
        var account = secretValue(el, 'account', cleanDigits);
        if (account !== undefined) body.account = account;
        return body;
      },
    };
  }

  function reasonStep(app) {
    var field = textField({ path: 'reason', field: 'reason', label: '家里遇到了什么困难', value: app.reason, rows: 7, maxlength: 1000,
      hint: '用自己的话说就行。例如：老伴去年中风瘫痪在床，看病花了很多钱，我没有工作，靠种地生活。' });
    var counter = h('p', { class: 'hint', 'aria-live': 'polite' });
    var area = field.querySelector('textarea');
    function count() { counter.textContent = '已写 ' + area.value.length + ' 字，最多 1000 字'; }
    area.addEventListener('input', count);
    count();
    field.appendChild(counter);
    return { el: field, collect: function () { return { reason: orNull(area.value) }; } };
  }

  function consentStep(app) {
    var el = h('div', null,
      h('div', { class: 'card' },
        h('p', null, '为了确定能不能得到救助，民政部门要核对申请人和家人的：'),
        h('ul', null, h('li', null, '收入（工资、养老金等）'), h('li', null, '银行存款和理财'), h('li', null, '房子、车子'),
          h('li', null, '社保、公积金、工商登记等')),
        h('p', null, '这些信息只用于核对您的申请，会依法保密。')),
      checkField({ path: 'consent_to_verification', field: 'consent_to_verification',
        label: '我同意核对我家的经济状况', value: app.consent_to_verification,
        desc: '不同意的话，申请没法提交。' }));
    return { el: el, collect: function () { return { consent_to_verification: valueIn(el, 'consent_to_verification') }; } };
  }

  var STEP_BUILDERS = {
    person: personStep, home: homeStep, health: healthStep, members: membersStep, income: incomeStep,
    assets: assetsStep, expenses: expensesStep, bank: bankStep, reason: reasonStep, consent: consentStep,
    materials: materialsStep,
  };

  // ---------------------------------------------------------------- loading an application
  function loadApp(id, fresh) {
    if (!fresh && S.app && S.app.id === id) return Promise.resolve(S.app);
    return api('GET', '/resident/applications/' + encodeURIComponent(id)).then(function (app) { S.app = app; return app; });
  }
  // A part save answers with the saved part and the new version only: fold them into the application held.
  function foldSaved(result) {
    if (!S.app || S.app.id !== result.id) { S.app = null; return; }
    var merged = Object.assign({}, S.app);
    Object.keys(result).forEach(function (k) { if (k !== 'part' && k !== 'stage' && k !== 'editable') merged[k] = result[k]; });
    S.app = merged;
  }

  function stepbar(current, total, text) {
    return h('div', { class: 'stepbar' },
      h('div', { class: 'stepbar-text' }, text || ('第 ' + current + ' 步，共 ' + total + ' 步')),
      h('div', { class: 'stepbar-track', 'aria-hidden': 'true' },
        h('div', { class: 'stepbar-fill', style: 'width:' + Math.round((current / total) * 100) + '%' })));
  }

  function failure(err, backHash) {
    if (err && err.handled) return;
    setView(
      h('h1', null, '出了点问题'),
      h('div', { class: 'notice notice-error', role: 'alert' }, h('p', null, err ? err.message : '页面出错了')),
      h('button', { class: 'btn btn-primary', type: 'button', onclick: function () { route(); } }, '再试一次'),
      h('a', { class: 'btn', href: backHash || '#/' }, '回到首页'));
  }

  // ---------------------------------------------------------------- screens
  function renderHome() {
    var ticket = ++renderSeq;
    loading();
    return Promise.all([api('GET', '/resident/me'), api('GET', '/resident/applications')]).then(function (res) {
      if (ticket !== renderSeq) return;
      var me = res[0];
      var items = res[1].items || [];
      ssetJson('me', me);
      var flash = S.flash; S.flash = null;
      setView(
        h('h1', null, '您好' + (me.name ? '，' + me.name : '')),
        flash ? h('div', { class: 'notice notice-ok', role: 'status' }, h('p', null, flash)) : null,
        h('a', { class: 'btn btn-primary btn-big', href: '#/new' }, '申请救助'),
        h('h2', null, '我的申请'),
        items.length ? h('ul', { class: 'app-list' }, items.map(appListItem))
          : h('p', { class: 'muted' }, '您还没有申请。点上面的“申请救助”开始。'),
        h('h2', null, '我的身份'),
        me.bound
          ? h('div', { class: 'card' }, h('p', null, '已绑定：' + me.name),
            h('a', { class: 'btn', href: '#/identity' }, '查看我的身份'))
          : h('div', { class: 'card' },
            h('p', null, '还没有绑定身份。绑定以后，家人或村干部替您办的申请，您也能在这里看到进度。'),
            h('a', { class: 'btn', href: '#/identity' }, '绑定我的身份')));
    }).catch(function (err) { failure(err); });
  }

  function appListItem(item) {
    var editable = EDITABLE_STAGES[item.stage];
    var href = item.stage === 'draft' ? '#/app/' + item.id + '/step/' + (Number(sget('step.' + item.id)) || 1) : '#/app/' + item.id;
    return h('li', null, h('a', { class: 'app-item', href: href },
      h('div', { class: 'card' },
        h('span', { class: 'app-program' }, item.program_label),
        h('span', { class: 'stage stage-' + item.stage }, item.stage_label),
        h('span', { class: 'app-meta' }, (item.on_behalf ? '代' + (item.applicant_name || '他人') + '申请 · ' : '')
          + '编号 ' + item.reference),
        h('span', { class: 'app-meta' }, '开始于 ' + fmtDateTime(item.created_at)),
        h('span', { class: 'app-action' }, item.stage === 'draft' ? '继续填写 ›' : editable ? '查看并补充 ›' : '查看进度 ›'))));
  }

  function renderIdentity() {
    var ticket = ++renderSeq;
    loading();
    return api('GET', '/resident/me').then(function (me) {
      if (ticket !== renderSeq) return;
      ssetJson('me', me);
      if (me.bound) {
        var shown = me.id_number ? me.id_number.slice(0, 4) + '**********' + me.id_number.slice(-4) : '';
        setView(
          h('h1', null, '我的身份'),
          h('div', { class: 'card' }, h('dl', { class: 'kv' },
            h('div', null, h('dt', null, '姓名'), h('dd', null, me.name)),
            h('div', null, h('dt', null, '身份证号码'), h('dd', null, shown)),
            h('div', null, h('dt', null, '联系电话'), h('dd', null, me.phone || '')))),
          h('p', { class: 'muted' }, '身份绑定后不能自己更改。如需更换，请联系乡镇（街道）。'),
          h('a', { class: 'btn', href: '#/' }, '回到首页'));
        return;
      }
      var box = h('div', { hidden: true });
      var form = h('form', { novalidate: true },
        textField({ path: 'name', field: 'name', label: '姓名', autocomplete: 'name', maxlength: 50 }),
        textField({ path: 'id_number', field: 'id_number', label: '身份证号码', maxlength: 40, hint: '18位，最后一位可能是 X。',
          autocapitalize: 'characters' }),
        textField({ path: 'phone', field: 'phone', label: '手机号码', type: 'tel', inputmode: 'tel', maxlength: 20, autocomplete: 'tel' }),
        h('button', { class: 'btn btn-primary', type: 'submit' }, '确认绑定'));
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        clearErrors(form);
        var button = form.querySelector('button[type=submit]');
        button.disabled = true; button.textContent = '正在绑定……';
        api('POST', '/resident/me/identity', {
          name: valueIn(form, 'name'), id_number: cleanDigits(valueIn(form, 'id_number')) || '',
          phone: cleanDigits(valueIn(form, 'phone')) || '',
        }).then(function () {
          S.flash = '身份绑定好了。';
          go('#/');
        }, function (err) {
          button.disabled = false; button.textContent = '确认绑定';
          if (err.handled) return;
          var problems = flattenErrors(err.errors);
          var rest = showFieldErrors(form, problems);
          problemSummary(form, box, Object.keys(problems).length ? problems : { _: [err.message] },
            Object.keys(problems).length ? err.message : '没能绑定');
          if (Object.keys(rest).length || !Object.keys(problems).length) box.scrollIntoView();
          else focusField(form, Object.keys(problems)[0]);
        });
      });
      setView(
        h('h1', null, '绑定我的身份'),
        h('p', { class: 'lead' }, '填写您本人的真实信息。绑定以后，家人或村干部替您办的申请，您也能看到进度。'),
        box, form,
        h('a', { class: 'btn', href: '#/' }, '以后再说，回到首页'));
    }).catch(function (err) { failure(err); });
  }

  // -- starting a new application: program → for whom → where (with the local policy)
  function newState() { return sgetJson('new') || { program: null, onBehalf: false, proxy: {}, area: null }; }

  function renderNew(screen) {
    ++renderSeq;
    var st = newState();
    var me = sgetJson('me') || {};
    screen = Number(screen) || 1;
    if (screen > 1 && !st.program) { go('#/new/1'); return; }
    var box = h('div', { hidden: true });
    if (screen === 1) {
      var programs = radioField({ path: 'program', field: 'program', label: '您要申请哪一种救助？', options: PROGRAMS, value: st.program });
      setView(stepbar(1, 3, '开始申请 · 第 1 步，共 3 步'), h('h1', null, '选择救助类型'), box, programs,
        h('div', { class: 'actions' },
          h('button', { class: 'btn btn-primary', type: 'button', onclick: function () {
            st.program = readField(programs);
            clearErrors(viewEl);
            if (!st.program) { showFieldErrors(viewEl, { program: ['请选择一种救助'] }); focusField(viewEl, 'program'); return; }
            ssetJson('new', st); go('#/new/2');
          } }, '下一步'),
          h('a', { class: 'btn', href: '#/' }, '回到首页')));
      return;
    }
    if (screen === 2) {
      var proxyFields = h('div', { class: 'card' },
        h('h2', { class: 'card-title' }, '代办人（就是您）的信息'),
        textField({ path: 'proxy.name', field: 'proxy_name', label: '您的姓名', value: st.proxy.name || me.name, maxlength: 50 }),
        selectField({ path: 'proxy.relation', field: 'proxy_relation', label: '您是申请人的什么人', options: PROXY_RELATIONS,
          value: st.proxy.relation }),
        textField({ path: 'proxy.phone', field: 'proxy_phone', label: '您的手机号码', value: st.proxy.phone || me.phone,
          type: 'tel', inputmode: 'tel', maxlength: 20 }));
      var who = radioField({ path: 'on_behalf', field: 'on_behalf', label: '为谁申请？', value: st.onBehalf ? 'true' : 'false',
        options: [['false', '为我自己申请'], ['true', '帮别人申请', '例如帮家里老人、邻居代办']] });
      var toggle = function () { proxyFields.hidden = readField(who) !== 'true'; };
      who.addEventListener('change', toggle);
      toggle();
      var problems = sgetJson('new.problems');
      setView(stepbar(2, 3, '开始申请 · 第 2 步，共 3 步'), h('h1', null, '为谁申请'), box, who, proxyFields,
        h('div', { class: 'actions' },
          h('button', { class: 'btn btn-primary', type: 'button', onclick: function () {
            st.onBehalf = readField(who) === 'true';
            st.proxy = {
              name: orNull(valueIn(proxyFields, 'proxy_name')), relation: valueIn(proxyFields, 'proxy_relation') || null,
              phone: cleanDigits(valueIn(proxyFields, 'proxy_phone')),
            };
            clearErrors(viewEl);
            var missing = {};
            if (st.onBehalf) {
              if (!st.proxy.name) missing['proxy.name'] = ['请填写您的姓名'];
              if (!st.proxy.relation) missing['proxy.relation'] = ['请选择您和申请人的关系'];
              if (!st.proxy.phone) missing['proxy.phone'] = ['请填写您的手机号码'];
            }
            if (Object.keys(missing).length) {
              showFieldErrors(viewEl, missing);
              problemSummary(viewEl, box, missing, '还有 ' + Object.keys(missing).length + ' 处没有填');
              focusField(viewEl, Object.keys(missing)[0]);
              return;
            }
            ssetJson('new', st); sset('new.problems', null); go('#/new/3');
          } }, '下一步'),
          h('a', { class: 'btn', href: '#/new/1' }, '上一步')));
      if (problems) {
        showFieldErrors(viewEl, problems);
        problemSummary(viewEl, box, problems, '请修改下面的内容');
      }
      return;
    }
    var policyBox = h('div');
    var picker = areaPicker({ path: 'applicant.area_code', value: st.area, onChange: function (area) {
      showPolicy(policyBox, area, st.program);
    } });
    var startButton = h('button', { class: 'btn btn-primary btn-big', type: 'button', onclick: function () { create(picker.value()); } },
      '开始填写申请');
    function create(areaCode) {
      st.area = areaCode; ssetJson('new', st);
      startButton.disabled = true; startButton.textContent = '正在创建……';
      var body = { program: st.program, on_behalf: !!st.onBehalf };
      if (st.onBehalf) body.proxy = st.proxy;
      api('POST', '/resident/applications', body).then(function (app) {
        S.app = app;
        return areaCode ? api('PUT', '/resident/applications/' + app.id + '/applicant', { area_code: areaCode }) : app;
      }).then(function (result) {
        if (result !== S.app) foldSaved(result);
        sset('new', null);
        go('#/app/' + result.id + '/step/1');
      }, function (err) {
        startButton.disabled = false; startButton.textContent = '开始填写申请';
        if (err.handled) return;
        var problems = flattenErrors(err.errors);
        if (Object.keys(problems).some(function (p) { return p.indexOf('proxy') === 0; })) {
          ssetJson('new.problems', problems); go('#/new/2'); return;
        }
        problemSummary(viewEl, box, { _: [err.message] }, '没能开始申请');
        box.scrollIntoView();
      });
    }
    setView(stepbar(3, 3, '开始申请 · 第 3 步，共 3 步'), h('h1', null, '住在哪里'),
      h('p', { class: 'lead' }, st.onBehalf ? '选择申请人住的村（社区），下面会显示当地的救助标准和要准备的材料。'
        : '选择您住的村（社区），下面会显示当地的救助标准和要准备的材料。'),
      box, picker.el, policyBox,
      h('div', { class: 'actions' }, startButton,
        h('a', { class: 'btn', href: '#/new/2' }, '上一步')));
  }

  // -- one step of the form
  function renderStep(id, n) {
    n = Number(n);
    if (!(n >= 1)) n = 1;
    if (n > STEPS.length) { go('#/app/' + id + '/review'); return; }
    var ticket = ++renderSeq;
    loading();
    return loadApp(id).then(function (app) {
      if (ticket !== renderSeq) return;
      if (!EDITABLE_STAGES[app.progress.stage]) { go('#/app/' + id); return; }
      sset('step.' + id, String(n));
      var step = STEPS[n - 1];
      var built = STEP_BUILDERS[step.key](app);
      var all = problemsOf(id);
      var mine = {};
      var elsewhere = 0;
      Object.keys(all).forEach(function (p) { if (step.owns(p)) mine[p] = all[p]; else elsewhere += 1; });
      var box = h('div', { hidden: true });
      var form = h('form', { novalidate: true }, built.el);
      var lastText = step.part ? '保存，去检查并提交' : '下一步：检查并提交';
      var saveButton = h('button', { class: 'btn btn-primary btn-big', type: 'submit' }, n === STEPS.length ? lastText : (step.part ? '保存并继续' : '下一步'));
      var backButton = n > 1 ? h('button', { class: 'btn', type: 'button', onclick: function () { save('#/app/' + id + '/step/' + (n - 1), backButton); } }, '上一步') : null;
      var homeButton = h('button', { class: 'btn-link', type: 'button', onclick: function () {
        save('#/', homeButton, '已保存。下次点“继续填写”接着填。');
      } }, '先保存，下次再填');
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        save(n === STEPS.length ? '#/app/' + id + '/review' : '#/app/' + id + '/step/' + (n + 1), saveButton);
      });
      form.appendChild(h('div', { class: 'actions' }, saveButton, backButton, homeButton));

      function save(next, button, flash) {
        clearErrors(form);
        box.hidden = true;
        var body = built.collect();
        if (body.skip) { finish(next, flash); return; }
        if (body.problems) { report(body.problems); return; }
        var original = button.textContent;
        button.disabled = true; button.textContent = '正在保存……';
        api('PUT', '/resident/applications/' + id + '/' + step.part, body).then(function (result) {
          // The applicant part's answer can lag behind a just-changed area: keep what was chosen.
          if (body.area_code !== undefined && result.applicant.area_code !== body.area_code) {
            result.applicant.area_code = body.area_code;
            result.applicant.area_name = built.areaName ? built.areaName() : result.applicant.area_name;
          }
          if (built.saved) built.saved(body, result);
          foldSaved(result);
          var left = problemsOf(id);
          Object.keys(left).forEach(function (p) { if (step.owns(p)) delete left[p]; });
          setProblems(id, left);
          finish(next, flash);
        }, function (err) {
          button.disabled = false; button.textContent = original;
          if (err.handled) return;
          if (err.status === 422 && err.code === 'validation_failed') { report(flattenErrors(err.errors), err.message); return; }
          if (err.code === 'duplicate_open_application' && step.key === 'person') {
            report({ 'applicant.id_number': [err.message] }, '没能保存');
            return;
          }
          if (err.status === 409 && err.code === 'application_not_editable') { S.app = null; failure(err, '#/app/' + id); return; }
          problemSummary(form, box, { _: [err.message] }, '没能保存');
          box.scrollIntoView({ block: 'center' });
        });
      }
      function finish(next, flash) {
        if (ticket !== renderSeq) return; // the resident already went elsewhere
        if (flash) S.flash = flash;
        go(next);
      }
      function report(problems, title) {
        var rest = showFieldErrors(form, problems);
        problemSummary(form, box, problems, title ? title + '（' + Object.keys(problems).length + ' 处）' : null);
        var first = Object.keys(problems).filter(function (p) { return !rest[p]; })[0];
        window.scrollTo(0, 0); // the step's title and the list of problems, each with a "去修改" link
        if (first) { var c = form.querySelector('[data-path="' + first + '"] input, [data-path="' + first + '"] select, [data-path="' + first + '"] textarea'); if (c) c.focus({ preventScroll: true }); }
      }

      setView(
        stepbar(n, STEPS.length + 1),
        h('h1', null, step.title),
        app.on_behalf ? h('p', { class: 'muted small' }, '代办申请 · 编号 ' + app.reference) : null,
        app.progress.stage === 'needs_materials' && app.progress.reason
          ? h('div', { class: 'notice notice-warn' }, h('p', { class: 'notice-title' }, '工作人员请您补充：'), h('p', null, app.progress.reason))
          : null,
        box,
        elsewhere ? h('p', { class: 'notice notice-warn' }, '其他步骤还有 ' + elsewhere + ' 处需要修改。',
          h('a', { href: '#/app/' + id + '/review' }, '查看全部')) : null,
        form);
      if (Object.keys(mine).length) {
        // Problems from the last submit whose field is gone (a removed family member) stay listed in the box.
        showFieldErrors(form, mine);
        problemSummary(form, box, mine);
      }
    }).catch(function (err) { failure(err); });
  }

  // -- check everything and submit
  function summaryLines(app, key) {
    var a = app.applicant;
    var none = '（没有填）';
    switch (key) {
      case 'person': return ['姓名：' + (a.name || none), '身份证号码：' + (a.id_number || none), '联系电话：' + (a.phone || none)];
      case 'home': return ['村（社区）：' + (a.area_name || none), '户口类型：' + (a.household_type ? label(HOUSEHOLD_TYPES, a.household_type) : none),
        '户口本地址：' + (a.registered_address || none), '现在住址：' + (a.current_address || none)];
      case 'health': return ['劳动能力：' + (a.work_capacity ? label(WORK_CAPACITY, a.work_capacity) : none),
        '残疾：' + (a.disability_grade ? label(DISABILITY, a.disability_grade) : '没有'), '重病、大病：' + (a.serious_illness ? '有' : '没有')];
      case 'members': return app.members.length ? app.members.map(function (m) {
        return (m.name || '（没填姓名）') + '，' + (m.relation ? label(RELATIONS, m.relation) : '关系没填');
      }) : ['一个人生活'];
      case 'income': return app.income.length ? app.income.map(function (i) {
        return label(INCOME_CATEGORIES, i.category) + '：' + (i.amount ? label(PERIODS, i.period) + ' ' + i.amount.replace(/\.00$/, '') + ' 元' : '金额没填');
      }) : ['没有收入'];
      case 'assets': return app.assets.length ? app.assets.map(function (i) {
        return label(ASSET_KINDS, i.kind) + ' ' + (i.quantity == null ? '' : i.quantity) + (i.amount ? '，' + i.amount + ' 元' : '');
      }) : ['没有填写财产'];
      case 'expenses': return app.expenses.length ? app.expenses.map(function (i) {
        return label(EXPENSE_KINDS, i.kind) + '：' + (i.amount ? i.amount + ' 元' : '金额没填');
      }) : ['没有大额支出'];
      case 'bank': return app.bank.bank_name || app.bank.account
        ? [(app.bank.bank_name || '') + ' ' + (app.bank.account || ''), '户名：' + (app.bank.holder || none)] : ['没有填'];
      case 'reason': return [app.reason || none];
      case 'consent': return [app.consent_to_verification ? '已同意核对' : '还没有同意'];
      case 'materials': {
        var counts = {};
        (app.attachments || []).forEach(function (a) { counts[a.kind] = (counts[a.kind] || 0) + 1; });
        var kinds = Object.keys(counts);
        return kinds.length ? kinds.map(function (k) { return label(ATTACHMENT_KINDS, k) + ' ' + counts[k] + ' 张'; }) : ['还没有上传照片'];
      }
      default: return [];
    }
  }

  function renderReview(id) {
    var ticket = ++renderSeq;
    loading();
    return Promise.all([
      loadApp(id, true),
      api('GET', '/resident/applications/' + id + '/attachments').catch(function () { return { items: [] }; }),
    ]).then(function (res) {
      var app = res[0];
      app.attachments = res[1].items || [];
      if (ticket !== renderSeq) return;
      if (!EDITABLE_STAGES[app.progress.stage]) { go('#/app/' + id); return; }
      var problems = problemsOf(id);
      var title = sget('problems.title.' + id);
      var top = h('div');
      var byStep = {};
      var other = {};
      Object.keys(problems).forEach(function (p) {
        var s = stepOfPath(p);
        if (s < 0) other[p] = problems[p];
        else (byStep[s] = byStep[s] || []).push(p);
      });
      if (Object.keys(problems).length) {
        top.appendChild(h('div', { class: 'notice notice-error', role: 'alert', id: 'submit-problems' },
          h('p', { class: 'notice-title' }, title || ('还有 ' + Object.keys(problems).length + ' 处需要补充或修改')),
          h('ul', { class: 'problem-list' },
            Object.keys(byStep).map(function (s) {
              s = Number(s);
              return h('li', null, h('span', { class: 'problem-step' }, '第 ' + (s + 1) + ' 步“' + STEPS[s].title + '”'),
                h('ul', { class: 'review-problems' }, byStep[s].map(function (p) {
                  return h('li', null, (placeOf(p) ? placeOf(p) + '：' : '') + problems[p].join('；'));
                })),
                h('a', { class: 'btn-link', href: '#/app/' + id + '/step/' + (s + 1) }, '去修改“' + STEPS[s].title + '”'));
            }),
            Object.keys(other).map(function (p) {
              return h('li', null, h('span', { class: 'problem-step' }, placeOf(p) || '其他'), other[p].join('；'),
                p === 'proxy' ? h('p', { class: 'small' }, '代办人信息在开始申请时填写，现在不能在网上修改，请联系村（社区）或乡镇（街道）。') : null);
            }))));
      }
      var sections = STEPS.map(function (step, i) {
        var own = byStep[i] || [];
        return h('section', { class: 'card review-section' + (own.length ? ' has-problems' : '') },
          h('h2', { class: 'card-title' }, (i + 1) + '. ' + step.title),
          h('ul', { class: 'review-lines' }, summaryLines(app, step.key).map(function (l) { return h('li', null, l); })),
          own.length ? h('ul', { class: 'review-problems' }, own.map(function (p) {
            return h('li', null, (placeOf(p) ? placeOf(p) + '：' : '') + problems[p].join('；'));
          })) : null,
          h('a', { class: 'btn-link', href: '#/app/' + id + '/step/' + (i + 1) }, own.length ? '去修改' : '修改'));
      });
      var box = h('div', { hidden: true });
      var submit = h('button', { class: 'btn btn-primary btn-big', type: 'button', onclick: function () {
        submit.disabled = true; submit.textContent = '正在提交……';
        box.hidden = true;
        api('POST', '/resident/applications/' + id + '/submit').then(function (result) {
          S.app = result;
          setProblems(id, {});
          sset('problems.title.' + id, null);
          sset('step.' + id, null);
          S.flash = '申请已经提交！请记下申请编号：' + result.reference;
          go('#/app/' + id);
        }, function (err) {
          submit.disabled = false; submit.textContent = app.progress.stage === 'needs_materials' ? '重新提交申请' : '提交申请';
          if (err.handled) return;
          if (err.code === 'application_incomplete') {
            setProblems(id, flattenErrors(err.errors));
            sset('problems.title.' + id, err.message);
            renderReview(id).then(function () {
              var summary = document.getElementById('submit-problems');
              if (summary) { summary.scrollIntoView(); summary.setAttribute('tabindex', '-1'); summary.focus({ preventScroll: true }); }
            });
            return;
          }
          problemSummary(viewEl, box, { _: [err.message] }, '没能提交');
          box.scrollIntoView({ block: 'center' });
        });
      } }, app.progress.stage === 'needs_materials' ? '重新提交申请' : '提交申请');
      setView(
        stepbar(STEPS.length + 1, STEPS.length + 1, '最后一步：检查并提交'),
        h('h1', null, '检查并提交'),
        h('p', { class: 'muted' }, app.program_label + ' · 编号 ' + app.reference),
        app.progress.stage === 'needs_materials' && app.progress.reason
          ? h('div', { class: 'notice notice-warn' }, h('p', { class: 'notice-title' }, '工作人员请您补充：'), h('p', null, app.progress.reason),
            h('p', null, '材料照片在第 ' + STEPS.length + ' 步上传；改好后点最下面的“重新提交申请”。'))
          : null,
        top,
        Object.keys(problems).length ? null : h('p', { class: 'lead' }, '请看一下填写的内容对不对，没问题就点最下面的“'
          + (app.progress.stage === 'needs_materials' ? '重新提交申请' : '提交申请') + '”。'),
        sections, box,
        h('div', { class: 'actions' }, submit, h('a', { class: 'btn', href: '#/' }, '先不提交，回到首页')));
    }).catch(function (err) { failure(err); });
  }

  // -- progress
  function renderProgress(id) {
    var ticket = ++renderSeq;
    loading();
    return loadApp(id, true).then(function (app) {
      if (ticket !== renderSeq) return;
      var p = app.progress;
      var open = !!OPEN_STAGES[p.stage];
      var flash = S.flash; S.flash = null;
      var rows = [];
      if (p.next_actor) rows.push(['下一步由谁办理', p.next_actor]);
      if (p.due_date) rows.push(['办结期限', fmtDate(p.due_date) + '前']);
      else if (open && p.stage !== 'draft') rows.push(['办结期限', '乡镇（街道）受理后开始计算']);
      if (app.submitted_at) rows.push(['提交时间', fmtDateTime(app.submitted_at)]);
      rows.push(['申请人', (app.applicant.name || '（没填）') + (app.on_behalf && app.proxy ? '（' + app.proxy.name + ' 代办）' : '')]);
      setView(
        flash ? h('div', { class: 'notice notice-ok', role: 'status' }, h('p', { class: 'notice-title' }, flash)) : null,
        h('h1', null, app.program_label),
        h('p', { class: 'reference' }, '申请编号：' + app.reference),
        h('section', { class: 'card', 'aria-label': '现在的进度' },
          h('p', { class: 'muted' }, '现在的进度'),
          h('p', { class: 'status-big' }, h('span', { class: 'stage stage-' + p.stage }, p.stage_label)),
          p.reason ? h('div', { class: 'notice notice-warn' }, h('p', { class: 'notice-title' }, '原因'), h('p', null, p.reason)) : null,
          h('dl', { class: 'kv' }, rows.map(function (r) { return h('div', null, h('dt', null, r[0]), h('dd', null, r[1])); }))),
        EDITABLE_STAGES[p.stage]
          ? h('a', { class: 'btn btn-primary btn-big', href: p.stage === 'draft'
            ? '#/app/' + id + '/step/' + (Number(sget('step.' + id)) || 1) : '#/app/' + id + '/review' },
          p.stage === 'draft' ? '继续填写' : '补充材料，修改后重新提交')
          : null,
        h('h2', null, '办理记录'),
        h('ol', { class: 'timeline' }, p.timeline.map(function (t, i) {
          return h('li', null, h('span', { class: 'timeline-when' }, fmtDateTime(t.at)),
            h('span', { class: 'timeline-what' }, t.stage === 'draft' && i === 0 ? '开始填写申请' : t.stage_label),
            h('span', { class: 'timeline-who' }, t.by), t.note ? h('span', { class: 'timeline-who' }, '意见：' + t.note) : null);
        })),
        open ? h('button', { class: 'btn btn-danger', type: 'button', onclick: function () { withdraw(app); } }, '撤回这份申请') : null,
        h('a', { class: 'btn', href: '#/' }, '回到首页'));
    }).catch(function (err) { failure(err); });
  }

  function withdraw(app) {
    confirmDialog({
      title: '确定要撤回这份申请吗？',
      text: '撤回以后，这份申请就不再办理了。以后还需要帮助，可以重新申请。',
      reason: true, okText: '确定撤回', cancelText: '不撤回',
    }).then(function (r) {
      if (!r.ok) return;
      loading('正在撤回……');
      api('POST', '/resident/applications/' + app.id + '/withdraw', { reason: r.reason || null }).then(function (result) {
        S.app = result;
        S.flash = '申请已撤回。';
        renderProgress(app.id);
      }, function (err) { failure(err, '#/app/' + app.id); });
    });
  }

  // ---------------------------------------------------------------- dialog
  function confirmDialog(opts) {
    return new Promise(function (resolve) {
      var root = document.getElementById('modal-root');
      var previous = document.activeElement;
      var reasonField = opts.reason ? textField({ field: 'reason', label: '撤回原因', optional: true, rows: 3, maxlength: 500 }) : null;
      function close(ok) {
        root.textContent = '';
        document.removeEventListener('keydown', onKey);
        if (previous && previous.focus) previous.focus({ preventScroll: true });
        resolve({ ok: ok, reason: reasonField ? orNull(readField(reasonField)) : null });
      }
      function onKey(e) { if (e.key === 'Escape') close(false); }
      var okButton = h('button', { class: 'btn btn-danger btn-solid', type: 'button', onclick: function () { close(true); } }, opts.okText || '确定');
      var cancel = h('button', { class: 'btn', type: 'button', onclick: function () { close(false); } }, opts.cancelText || '取消');
      var titleId = nextId('dlg');
      root.appendChild(h('div', { class: 'modal-backdrop' },
        h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
          h('h2', { id: titleId }, opts.title), opts.text ? h('p', null, opts.text) : null, reasonField, okButton, cancel)));
      document.addEventListener('keydown', onKey);
      cancel.focus();
    });
  }

  // ---------------------------------------------------------------- routing and start
  function go(hash) {
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
  }

  function route() {
    var hash = window.location.hash || '#/';
    if (!sget('token')) { if (hash !== '#/') sset('return', hash); startSignIn(); return; }
    var m;
    if (hash === '#/' || hash === '#' || hash === '') return renderHome();
    if (hash === '#/identity') return renderIdentity();
    if ((m = /^#\/new(?:\/(\d))?$/.exec(hash))) return renderNew(m[1]);
    if ((m = /^#\/app\/([\w-]{1,36})\/step\/(\d+)$/.exec(hash))) return renderStep(m[1], m[2]);
    if ((m = /^#\/app\/([\w-]{1,36})\/review$/.exec(hash))) return renderReview(m[1]);
    if ((m = /^#\/app\/([\w-]{1,36})$/.exec(hash))) return renderProgress(m[1]);
    go('#/');
  }

  function start() {
    var params = new URLSearchParams(window.location.search);
    var code = params.get('code');
    if (code) { signInWithCode(code, params.get('state')); return; }
    if (params.has('state')) {
      // WeChat sends back only `state` when the person refused to sign in.
      window.history.replaceState(null, '', window.location.pathname + window.location.hash);
      setView(
        h('h1', null, '还没有登录'),
        h('div', { class: 'notice notice-warn', role: 'alert' }, h('p', null, '您没有同意用微信登录。办理申请需要先登录，这样才能保存您填写的内容。')),
        h('button', { class: 'btn btn-primary', type: 'button', onclick: function () { startSignIn(); } }, '用微信登录'));
      return;
    }
    route();
  }

  window.addEventListener('hashchange', route);
  start();
})();
