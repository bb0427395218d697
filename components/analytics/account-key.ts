import { PLATFORMS, type Platform } from '@/lib/model';

/** `platform|account` → its parts (accounts may contain `|`; the platform never does). */
export function parseAccountKey(key: string): { platform: Platform; account: string } | undefined {
  const i = key.indexOf('|');
  if (i < 0) return undefined;
  const platform = key.slice(0, i) as Platform;
  if (!(PLATFORMS as readonly string[]).includes(platform)) return undefined;
  return { platform, account: key.slice(i + 1) };
}
