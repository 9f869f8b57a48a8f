#!/usr/bin/env node
// The image's HEALTHCHECK: exit 0 when the worker's /healthz answers 200 on the metrics port, else 1.
// Node is in the image and curl is not, so the check is a Node script.
const port = process.env.STROBE_METRICS_PORT || '9464';
const configured = process.env.STROBE_METRICS_HOST || '0.0.0.0';
// A wildcard listen address is reachable on loopback; a specific one only on itself.
const host = configured === '0.0.0.0' || configured === '::' ? '127.0.0.1' : configured.includes(':') ? `[${configured}]` : configured;
let ok = false;
try {
  const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  ok = res.status === 200;
  if (!ok) console.error(`healthcheck: /healthz answered ${res.status}`);
} catch (e) {
  console.error(`healthcheck: http://${host}:${port}/healthz failed: ${e instanceof Error ? e.message : String(e)}`);
}
process.exit(ok ? 0 : 1);
