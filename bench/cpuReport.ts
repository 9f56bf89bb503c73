/**
 * Preloaded (`node -r`) into both processes of the CLI benchmark: at exit, writes the process's
 * own CPU time (user + system) to stderr, which a loaded machine distorts less than wall time.
 */
import * as fs from 'fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  fs.writeSync(2, `\nBENCH_CPU_MS=${((user + system) / 1000).toFixed(1)}\n`);
});
