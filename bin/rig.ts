// Same entry for `npx tsx bin/rig.ts ...` (scripts and tests that already run under tsx).
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
