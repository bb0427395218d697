// The 1688 shell page: the chat lives in the same-origin iframe `def_cbu_web_im_core`. The test API
// `window.demo` is on this top page and drives the IM core inside the iframe.
(() => {
  'use strict';
  const frame = document.getElementById('def_cbu_web_im_core');
  const core = () => {
    const api = frame && frame.contentWindow ? frame.contentWindow.demo : undefined;
    if (!api) throw new Error('the IM core (iframe def_cbu_web_im_core) is not loaded yet');
    return api;
  };
  window.demo = {
    get buyers() {
      return core().buyers;
    },
    open: (uid) => core().open(uid),
    buyerSays: (uid, text) => core().buyerSays(uid, text),
    robotSays: (uid, text) => core().robotSays(uid, text),
    agentSays: (uid, text) => core().agentSays(uid, text),
    systemSays: (uid, text) => core().systemSays(uid, text),
    setAuto: (on) => core().setAuto(on),
    get auto() {
      return core().auto;
    },
  };

  document.getElementById('demoControls').addEventListener('click', (e) => {
    const act = e.target instanceof HTMLElement ? e.target.dataset.act : undefined;
    if (!act) return;
    const d = window.demo;
    const uid = frame.contentDocument.querySelector('.conversation-item.active .name')?.textContent || d.buyers[0].uid;
    if (act === 'buyer')
      d.buyerSays(uid, ['这款有现货吗？', '起批量是多少', '能开发票吗', '[商品卡片]'][Math.floor(Math.random() * 4)]);
    if (act === 'robot') d.robotSays(uid);
    if (act === 'system') d.systemSays(uid);
    if (act === 'auto') d.setAuto(!d.auto);
  });
})();
