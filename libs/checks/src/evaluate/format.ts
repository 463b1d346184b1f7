/** Words and rounding for check messages and object values. */

export function seconds(value: number): string {
  return value >= 100 ? `${Math.round(value)} s` : `${value.toFixed(1)} s`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio >= 0.9995 || ratio < 0.0005 ? 0 : 1)} %`;
}

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(value: number): string {
  let unit = 0;
  let scaled = value;
  while (Math.abs(scaled) >= 1024 && unit < UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${scaled.toFixed(1)} ${UNITS[unit]}`;
}

/** A ratio or a duration kept to a sensible precision in stored values. */
export function rounded(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** "1 session", "3 sessions". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
