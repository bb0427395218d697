import { definePlatform } from '../define';
import { jdRules } from './rules';
import { jdSite } from './site';

export default definePlatform({
  site: jdSite,
  platforms: [
    {
      id: 'jd',
      name: { zh: '京东', en: 'JD' },
      exportName: '京东',
      aliases: ['jd', '京东', '咚咚', '京麦', 'jingdong'],
      rules: jdRules,
      demo: 'jd',
    },
  ],
});
