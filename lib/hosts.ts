/** The only sites the extension may touch. Kept in one place; a test asserts the built manifest. */
export const WORKBENCH_MATCHES = [
  'https://mms.pinduoduo.com/*',
  'https://im.jinritemai.com/*',
  'https://air.1688.com/*',
  'https://air.taobao.com/*',
  'https://web.wangwang.taobao.com/*',
  'https://dongdong.jd.com/*',
  'https://im.kwaixiaodian.com/*',
] as const;

/** The bundled simulated workbench (demo build only). */
export const DEMO_MATCHES = ['http://localhost/*', 'http://127.0.0.1/*'] as const;

/** Is this a page of the bundled demo workbench (served on localhost, one folder per platform)? */
export function isDemoPage(url: URL, folder: string): boolean {
  return (url.hostname === 'localhost' || url.hostname === '127.0.0.1') && url.pathname.startsWith(`/${folder}/`);
}
