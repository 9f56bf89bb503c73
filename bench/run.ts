/** `npm run bench`: every benchmark of the project, printed as Markdown tables. */
import * as fs from 'fs';
import * as path from 'path';
import { printCheckBench, runCheckBench } from './check';
import { printCliProcessBench, runCliProcessBench } from './cliProcess';
import { printLspBench, runLspBench } from './lsp';

async function main(): Promise<void> {
  printCheckBench(runCheckBench());
  printCliProcessBench(runCliProcessBench());
  if (!printLspBench(await runLspBench())) process.exitCode = 1;
  const scanBench = path.join(__dirname, 'scan.js');
  if (fs.existsSync(scanBench)) {
    // The scan benchmark prints its own table when run as a module entry.
    const mod = require(scanBench);
    if (typeof mod.main === 'function') await mod.main();
    else if (typeof mod.runScanBench === 'function') console.log(await mod.runScanBench());
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
