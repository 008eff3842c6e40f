// Prints the reference data folder the tests will use, downloading the public sources into .data/ when none exists.
import { ensureDataDir } from '@splitlora/node';

const dir = await ensureDataDir(undefined, (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`data folder: ${dir}\n`);
