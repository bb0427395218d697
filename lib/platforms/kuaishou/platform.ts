import { definePlatform } from '../define';
import { kuaishouRules } from './rules';
import { kuaishouSite } from './site';

export default definePlatform({
  site: kuaishouSite,
  platforms: [
    {
      id: 'kuaishou',
      name: { zh: '快手', en: 'Kuaishou' },
      exportName: '快手',
      aliases: ['kuaishou', '快手', '快手小店', 'ks'],
      rules: kuaishouRules,
      demo: 'kuaishou',
    },
  ],
});
