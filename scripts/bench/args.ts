/** The bench tools' command line: `--name=value` options and bare `--name` flags, read from process.argv. */

/** The value of `--k=value` (the first given), else `d`. */
export function arg(k: string, d: string): string;
/** The value of `--k=value` (the first given), else undefined. */
export function arg(k: string): string | undefined;
export function arg(k: string, d?: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
}

/** `--k=value`, else the environment's K (the name upper-cased: `--settle` → SETTLE), else `d`. */
export function argOrEnv(k: string, d: string): string {
  return arg(k) ?? process.env[k.toUpperCase()] ?? d;
}

/** Whether the bare flag `--k` was given. */
export function flag(k: string): boolean {
  return process.argv.includes(`--${k}`);
}
