import { definePlatform } from '../define';
import { douyinRules } from './rules';
import { douyinSite } from './site';

export default definePlatform({
  site: douyinSite,
  platforms: [
    {
      id: 'douyin',
      name: { zh: '抖店', en: 'Douyin' },
      exportName: '抖店',
      aliases: ['douyin', '抖店', '抖音', '飞鸽', '抖音小店', 'doudian', 'feige'],
      rules: douyinRules,
      demo: 'douyin',
    },
  ],
});
