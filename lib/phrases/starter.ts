/**
 * The starter pack: everyday customer-service phrases, seeded into an empty library on first run.
 * {买家昵称} and other variables are filled at insert time (see lib/phrases/fill.ts).
 */
import type { PhraseRow } from '../model';

type Starter = Pick<PhraseRow, 'text' | 'group' | 'tags'> & { shortcut?: string };

export const STARTER_PHRASES: readonly Starter[] = [
  {
    group: '问候',
    tags: ['开场'],
    shortcut: '/hi',
    text: '{问候}，{买家昵称}！我是{客服名}，很高兴为您服务，请问有什么可以帮您？',
  },
  { group: '问候', tags: ['开场'], shortcut: '/zai', text: '亲，在的哦，请问有什么可以帮您的呢？' },
  { group: '问候', tags: ['等待'], shortcut: '/wait', text: '亲，稍等一下，我马上帮您查询～' },
  {
    group: '发货',
    tags: ['物流'],
    shortcut: '/fh',
    text: '亲，付款后 48 小时内发货，发货后物流单号会同步到订单里，请留意查收哦。',
  },
  { group: '发货', tags: ['物流'], shortcut: '/kd', text: '亲，默认发中通/圆通，如需指定快递请备注，我们尽量安排～' },
  {
    group: '发货',
    tags: ['物流'],
    shortcut: '/cx',
    text: '亲，已帮您催促仓库尽快发出，发出后物流信息 24 小时内更新，请您耐心等待一下哦。',
  },
  {
    group: '商品',
    tags: ['尺码'],
    shortcut: '/cm',
    text: '亲，尺码表在商品详情页里，告诉我您的身高体重，我帮您推荐合适的尺码～',
  },
  { group: '商品', tags: ['库存'], shortcut: '/xh', text: '亲，页面能拍下的都是有现货的，放心下单哦～' },
  {
    group: '商品',
    tags: ['质量'],
    shortcut: '/zl',
    text: '亲，我们家商品都经过质检才发出，收到后有任何问题随时联系我们，一定给您处理好。',
  },
  { group: '价格', tags: ['优惠'], shortcut: '/yh', text: '亲，现在店铺有满减活动，领取页面优惠券后下单更划算哦～' },
  {
    group: '价格',
    tags: ['议价'],
    shortcut: '/jj',
    text: '亲，价格已经是活动价了，利润很薄哦，不过可以送您一份小礼品，感谢支持～',
  },
  {
    group: '售后',
    tags: ['退换'],
    shortcut: '/th',
    text: '亲，支持 7 天无理由退换（不影响二次销售），在订单页申请售后即可，我们收到后尽快处理。',
  },
  {
    group: '售后',
    tags: ['退款'],
    shortcut: '/tk',
    text: '亲，退款申请已收到，我们会在 24 小时内处理，请您留意退款进度哦。',
  },
  {
    group: '售后',
    tags: ['破损'],
    shortcut: '/ps',
    text: '非常抱歉给您带来不好的体验！麻烦您拍一下商品和包装的照片，我马上为您处理。',
  },
  {
    group: '地址',
    tags: ['修改'],
    shortcut: '/dz',
    text: '亲，订单还没发货的话可以修改地址，请把新的收货地址发给我，我帮您备注。',
  },
  {
    group: '发票',
    tags: ['开票'],
    shortcut: '/fp',
    text: '亲，可以开发票的，请提供抬头和税号，确认收货后为您开具电子发票。',
  },
  { group: '结束', tags: ['感谢'], shortcut: '/xx', text: '感谢您的支持！还有其他问题随时找我哦，祝您生活愉快～' },
  {
    group: '结束',
    tags: ['评价'],
    shortcut: '/pj',
    text: '亲，收到商品满意的话麻烦给个五星好评哦，您的鼓励是我们最大的动力！',
  },
  {
    group: '夜间',
    tags: ['离线'],
    shortcut: '/wy',
    text: '亲，现在是夜间，客服明早 8 点上线后第一时间回复您，给您带来不便敬请谅解。',
  },
];
