import { definePlatform } from '../define';
import { xhsRules } from './rules';

/** Xiaohongshu: rules and names, no adapter yet (no site). The editor lab (../lab) borrows its id. */
export default definePlatform({
  platforms: [
    {
      id: 'xhs',
      name: { zh: '小红书', en: 'Xiaohongshu' },
      exportName: '小红书',
      aliases: ['xhs', '小红书', 'xiaohongshu', 'rednote'],
      rules: xhsRules,
    },
  ],
});
