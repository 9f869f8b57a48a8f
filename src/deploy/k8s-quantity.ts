/**
 * Kubernetes resource quantities and object names from Strobe's function config.
 * Quantities follow the API's canonical forms: whole cores or millicores, binary-suffixed bytes.
 */

/** CPU cores as a quantity: `1`, `2`, `500m`. Rounded up to whole millicores, never below 1m. */
export function cpuQuantity(cores: number): string {
  if (!Number.isFinite(cores) || cores <= 0) throw new RangeError(`cpu must be a positive number of cores, got ${cores}`);
  if (Number.isInteger(cores)) return String(cores);
  return `${Math.max(1, Math.ceil(Math.round(cores * 1e6) / 1e3))}m`;
}

const BINARY_UNITS: readonly (readonly [string, number])[] = [
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** Bytes as a quantity: the largest binary suffix that divides exactly (`1Gi`, `1536Mi`), else plain bytes. */
export function memoryQuantity(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`memory must be a positive whole number of bytes, got ${bytes}`);
  for (const [suffix, size] of BINARY_UNITS) if (bytes % size === 0) return `${bytes / size}${suffix}`;
  return String(bytes);
}

/**
 * A DNS-1123 label from any name: lower case, [a-z0-9-], starts and ends alphanumeric, at most `max`
 * characters (63 for names used as label values and container names).
 */
export function k8sName(name: string, max = 63): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  if (cleaned === '') throw new RangeError(`"${name}" has no characters usable in a Kubernetes name`);
  return cleaned;
}
