import type { DiskReading } from '#stats';
import type { CheckObject, Measurement, Unreadable } from '../check-result.js';
import { bytes, percent, rounded } from './format.js';

/** Free space of the data directory's filesystem, as the SSH probe read it. */
export function diskFree(directory: string, reading: DiskReading): Measurement | Unreadable {
  if (!reading.ok)
    return { unknown: `The disk could not be read over SSH: ${reading.failure.message}` };
  const { availableBytes, totalBytes } = reading.result.usage;
  const value = totalBytes > 0 ? availableBytes / totalBytes : 0;
  const object: CheckObject = {
    path: directory,
    free_bytes: availableBytes,
    total_bytes: totalBytes,
    value: rounded(value),
  };
  return {
    value: rounded(value),
    message: `${bytes(availableBytes)} free of ${bytes(totalBytes)} (${percent(value)}) on the filesystem of ${directory}`,
    objects: [object],
  };
}
