import { Command, InvalidArgumentError } from 'commander';
import { LocalPulsar } from './broker.js';
import { resolveClasspath } from './maven.js';
import { installPythonPeers } from './peers.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new InvalidArgumentError('expected a TCP port (1-65535)');
  return n;
}

/** `broker start|stop|status|resolve|peers`: manage the local standalone broker; shared by `strobe broker`. */
export function brokerCommand(name = 'broker'): Command {
  const cmd = new Command(name).description('run a local Pulsar standalone broker (jars from Maven Central, no Docker)');
  const withPorts = (c: Command): Command =>
    c
      .option('--port <n>', 'binary protocol port (env PULSAR_BROKER_PORT)', port)
      .option('--web-port <n>', 'HTTP admin port (env PULSAR_WEB_PORT)', port)
      .option('--run-dir <dir>', 'working directory for data, logs and pid (env STROBE_PULSAR_RUN_DIR)');
  const make = (o: { port?: number; webPort?: number; runDir?: string; timeout?: number }): LocalPulsar =>
    new LocalPulsar({ brokerPort: o.port, webPort: o.webPort, runDir: o.runDir, readyTimeoutMs: o.timeout });

  withPorts(cmd.command('start'))
    .description('start the broker (reuses a healthy one) and wait until it is ready')
    .option('--timeout <ms>', 'fail if not ready within this many ms', port)
    .option('--json', 'print the broker info as one JSON line on stdout')
    .action(async (o: { port?: number; webPort?: number; runDir?: string; timeout?: number; json?: boolean }) => {
      const r = await make(o).start();
      if (o.json) process.stdout.write(JSON.stringify(r) + '\n');
      else process.stdout.write(`${r.serviceUrl} ${r.adminUrl} (pid ${r.pid})\n`);
    });

  withPorts(cmd.command('stop'))
    .description('stop the broker started from this run directory (SIGTERM, then wait)')
    .action(async (o: { port?: number; webPort?: number; runDir?: string }) => {
      const stopped = await make(o).stop();
      if (!stopped) process.stderr.write('[local-pulsar] no broker running\n');
    });

  withPorts(cmd.command('status'))
    .description('print whether the broker runs and answers its health check; exit 1 if not')
    .action(async (o: { port?: number; webPort?: number; runDir?: string }) => {
      const b = make(o);
      const pid = b.runningPid();
      const healthy = await b.isHealthy();
      process.stdout.write(JSON.stringify({ pid: pid ?? null, healthy, serviceUrl: b.serviceUrl, adminUrl: b.adminUrl }) + '\n');
      process.exitCode = healthy ? 0 : 1;
    });

  cmd
    .command('resolve')
    .description('resolve the broker and Java tool jars from Maven Central (cached)')
    .action(async () => {
      const log = (l: string): void => void process.stderr.write(`[local-pulsar] ${l}\n`);
      for (const kind of ['broker', 'tools'] as const) {
        const r = await resolveClasspath(kind, log);
        log(`${kind}: ${r.classpath.split(':').length} jars, ${r.resolved ? 'resolved' : 'cached'} in ${r.seconds.toFixed(1)} s`);
      }
    });

  cmd
    .command('peers')
    .description('install the official Python client into local-pulsar/.venv (and resolve the Java tools)')
    .action(async () => {
      const log = (l: string): void => void process.stderr.write(`[local-pulsar] ${l}\n`);
      const py = installPythonPeers(log);
      log(`python peers ${py.installed ? 'installed' : 'up to date'} in ${py.seconds.toFixed(1)} s: ${py.python}`);
      const tools = await resolveClasspath('tools', log);
      log(`java tools ${tools.resolved ? 'resolved' : 'cached'} in ${tools.seconds.toFixed(1)} s`);
    });
  return cmd;
}
