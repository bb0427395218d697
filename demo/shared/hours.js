/*
 * Demo only: says on the page when the platform is outside its assessed hours right now (China time), so a demo
 * at night that shows no countdown explains itself. The windows are the shipped rules' (the primary metric's
 * window per platform; test/unit/alerts.test.ts checks they match lib/rules/defaults.ts). A user's window override
 * is not known here: the toolbar title and the popup say it from the effective rules.
 */
(function () {
  var WINDOWS = {
    pdd: ['拼多多', 'Pinduoduo', 480, 1380],
    douyin: ['抖店', 'Douyin', 480, 1380],
    ali1688: ['1688', '1688', 540, 1260],
    taobao: ['淘宝/天猫', 'Taobao/Tmall', 480, 1380],
    jd: ['京东', 'JD', 540, 1380],
    kuaishou: ['快手', 'Kuaishou', 480, 1380],
  };
  var script = document.currentScript;
  var w = WINDOWS[script && script.getAttribute('data-platform')];
  var banner = document.querySelector('.demo-banner');
  if (!w || !banner) return;
  var hhmm = function (m) {
    return String(Math.floor(m / 60)).padStart(2, '0') + ':' + String(m % 60).padStart(2, '0');
  };
  var note = document.createElement('div');
  note.className = 'demo-outside-hours';
  banner.appendChild(note);
  function update() {
    var min = Math.floor(((Date.now() + 8 * 3600000) % 86400000) / 60000);
    var inside = w[2] < w[3] ? min >= w[2] && min < w[3] : min >= w[2] || min < w[3];
    var span = hhmm(w[2]) + '–' + hhmm(w[3]);
    var text = inside
      ? ''
      : '不在考核时段（' +
        w[0] +
        ' ' +
        span +
        '）：现在提问不计时。Outside assessed hours (' +
        w[1] +
        ' ' +
        span +
        '): questions now are not timed.';
    // Written only when it changes: every write is a page change the extension's watcher looks at.
    if (note.textContent !== text) note.textContent = text;
    note.hidden = inside;
  }
  update();
  setInterval(update, 30000);
})();
