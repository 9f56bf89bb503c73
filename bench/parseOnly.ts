/**
 * The reference process of the CLI benchmark: start Node, read a manifest and parse it with
 * `yaml` (parseAllDocuments with a LineCounter), nothing else. `shipshape check` is measured
 * against this whole process.
 */
import * as fs from 'fs';
import { LineCounter, parseAllDocuments } from 'yaml';

const text = fs.readFileSync(process.argv[2], 'utf8');
const docs = parseAllDocuments(text, { lineCounter: new LineCounter() });
process.stdout.write(`${Array.isArray(docs) ? docs.length : 1}\n`);
