import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** What a benchmark ran on; recorded next to every result because figures mean little without it. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly java: string;
  /** 1/5/15-minute load averages when the run started: other work on the machine skews results. */
  readonly loadAverage: readonly number[];
  readonly cgroupCpuLimit: string | undefined;
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  const java = spawnSync(process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java', ['-version'], { encoding: 'utf8' });
  const javaVersion = (java.stderr ?? '').split('\n').slice(0, 2).join(' / ').trim() || 'not found';
  let cgroupCpuLimit: string | undefined;
  try {
    cgroupCpuLimit = readFileSync('/sys/fs/cgroup/cpu.max', 'utf8').trim();
  } catch {
    cgroupCpuLimit = undefined;
  }
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    java: javaVersion,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    cgroupCpuLimit,
  };
}

/** One markdown line describing the machine. */
export function machineLine(m: MachineInfo): string {
  return (
    `${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}; Node ${m.node}; ${m.java}; ` +
    `load average at start ${m.loadAverage.join(' / ')}` +
    (m.cgroupCpuLimit && m.cgroupCpuLimit !== 'max 100000' ? `; cgroup cpu.max ${m.cgroupCpuLimit}` : '')
  );
}
