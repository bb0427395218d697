import { definePlatform } from '../define';
import { ali1688Rules, taobaoRules } from './rules';
import { aliSite } from './site';

/** One folder, one script, two platforms: the same web Wangwang serves Taobao/Tmall and 1688. */
export default definePlatform({
  site: aliSite,
  platforms: [
    {
      id: 'taobao',
      name: { zh: '淘宝/天猫', en: 'Taobao/Tmall' },
      exportName: '淘宝',
      aliases: ['taobao', '淘宝', '天猫', 'tmall', '千牛', '淘宝天猫'],
      rules: taobaoRules,
      demo: 'taobao',
    },
    {
      id: 'ali1688',
      name: { zh: '1688', en: '1688' },
      exportName: '1688',
      aliases: ['ali1688', '1688', '阿里巴巴', '阿里1688'],
      rules: ali1688Rules,
      demo: 'ali1688',
    },
  ],
});
