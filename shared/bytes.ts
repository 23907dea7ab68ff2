/**
 * Disk space as a person reads it (docs/store.md "A full or failing disk"):
 * never a raw byte count. Binary units named as Windows names them in
 * Chinese and English alike (MB, GB): 850 MB, 1.2 GB, 71 GB. Rounded DOWN,
 * so the screen never promises space that is not there.
 */
const MB = 1024 * 1024;
const GB = 1024 * MB;

export function formatBytes(bytes: number, locale: 'zh' | 'en' = 'zh'): string {
  const b = Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : 0;
  if (b < MB) return locale === 'zh' ? '不到 1 MB' : 'less than 1 MB';
  if (b < GB) return `${Math.floor(b / MB).toLocaleString('en-US')} MB`;
  // One decimal below 10 GB (1.2 GB), whole gigabytes above; integer arithmetic on tenths.
  if (b < 10 * GB) {
    const tenths = Math.floor((b * 10) / GB);
    return `${Math.floor(tenths / 10)}.${tenths % 10} GB`;
  }
  return `${Math.floor(b / GB).toLocaleString('en-US')} GB`;
}
