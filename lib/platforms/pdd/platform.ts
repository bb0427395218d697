import { definePlatform } from '../define';
import { pddRules } from './rules';
import { pddSite } from './site';

export default definePlatform({
  site: pddSite,
  platforms: [
    {
      id: 'pdd',
      name: { zh: '拼多多', en: 'Pinduoduo' },
      exportName: '拼多多',
      aliases: ['pdd', '拼多多', 'pinduoduo', '多多'],
      rules: pddRules,
      demo: 'pdd',
    },
  ],
});
